package io.tokenmark.examples;

import io.tokenmark.jmh.TokenMarkProfiler;
import io.tokenmark.jmh.results.SummaryResults;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Finds the highest concurrency at which a deployment keeps its latency objectives: TTFT p99
 * and TPOT p99 over all measured requests at most the given limits, and no failed request.
 *
 * <p>It runs {@link SloSearchBenchmark} once per concurrency it tries, with
 * {@link TokenMarkProfiler}, and reads the {@code ttft.p99} and {@code tpot.p99} results: first
 * at 1, 2, 4, 8, … up to a maximum while the objectives hold, then by bisection between the
 * highest concurrency that held and the lowest that did not. Every probe adds its point
 * ({@code c<N>}) to the run folder {@code target/tokenmark/slo-search}.
 *
 * <pre>
 * java -cp ... io.tokenmark.examples.SloSearch 2000 40 128   # TTFT p99 ms, TPOT p99 ms, max
 * </pre>
 *
 * <p><b>Caveat.</b> The search assumes that latency grows with concurrency. Each probe is a short
 * measurement, so near the limit noise can move the result by a step or two. Confirm the result
 * with a longer run at it and just above it.
 */
public final class SloSearch {
    private final Limits limits;
    private final int maxConcurrency;
    private final Prober prober;

    /**
     * @param limits the objectives
     * @param maxConcurrency the highest concurrency to try, at least 1
     * @param jmhSettings JMH settings for every probe (iterations, forks, {@code @Param} values
     *     other than {@code concurrency}); the benchmark, its concurrency, the profiler and
     *     fail-on-error are set here
     * @throws IllegalArgumentException if {@code maxConcurrency} is below 1
     */
    public SloSearch(Limits limits, int maxConcurrency, Options jmhSettings) {
        this(limits, maxConcurrency, jmhProber(limits, Objects.requireNonNull(jmhSettings, "jmhSettings")));
    }

    /** Creates a search whose probes {@code prober} runs; for tests of the search order. */
    SloSearch(Limits limits, int maxConcurrency, Prober prober) {
        this.limits = Objects.requireNonNull(limits, "limits");
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException(
                    "invalid maximum concurrency " + maxConcurrency + ": must be at least 1");
        }
        this.maxConcurrency = maxConcurrency;
        this.prober = Objects.requireNonNull(prober, "prober");
    }

    /** Measures one concurrency. */
    interface Prober {
        Probe probe(int concurrency) throws RunnerException;
    }

    /** Returns the limits the search applies. */
    public Limits limits() {
        return limits;
    }

    /**
     * Per-request latency objectives in milliseconds.
     *
     * @param ttftP99Millis the highest acceptable TTFT p99
     * @param tpotP99Millis the highest acceptable TPOT p99
     */
    public record Limits(double ttftP99Millis, double tpotP99Millis) {
        public Limits {
            if (!(ttftP99Millis > 0) || !(tpotP99Millis > 0)) {
                throw new IllegalArgumentException("invalid limits TTFT p99 " + ttftP99Millis
                        + " ms, TPOT p99 " + tpotP99Millis + " ms: both must be above 0");
            }
        }

        /** Returns whether a probe with these figures meets the objectives. */
        public boolean metBy(double ttftP99, double tpotP99, long failedRequests) {
            return failedRequests == 0 && ttftP99 <= ttftP99Millis && tpotP99 <= tpotP99Millis;
        }
    }

    /**
     * The figures one probe measured.
     *
     * @param concurrency the closed loop's concurrency
     * @param ttftP99Millis TTFT p99 over the probe's requests
     * @param tpotP99Millis TPOT p99 over the probe's requests
     * @param failedRequests measured requests that failed
     * @param met whether every objective held
     */
    public record Probe(int concurrency, double ttftP99Millis, double tpotP99Millis,
            long failedRequests, boolean met) {
    }

    /**
     * The search's result.
     *
     * @param highestConcurrency the highest concurrency that met the objectives, or 0 when
     *     concurrency 1 did not
     * @param probes every probe, in the order they ran
     */
    public record Outcome(int highestConcurrency, List<Probe> probes) {
        public Outcome {
            probes = List.copyOf(probes);
        }
    }

    /**
     * Runs the search.
     *
     * @throws RunnerException if JMH fails a probe, for example when the target is unreachable
     */
    public Outcome run() throws RunnerException {
        List<Probe> probes = new ArrayList<>();
        int highestMet = 0;
        int lowestMissed = 0;

        for (int concurrency = 1; ; concurrency = Math.min(2 * concurrency, maxConcurrency)) {
            Probe probe = prober.probe(concurrency);
            probes.add(probe);
            if (!probe.met()) {
                lowestMissed = concurrency;
                break;
            }
            highestMet = concurrency;
            if (concurrency == maxConcurrency) {
                return new Outcome(highestMet, probes);
            }
        }

        while (lowestMissed - highestMet > 1) {
            int middle = (highestMet + lowestMissed) / 2;
            Probe probe = prober.probe(middle);
            probes.add(probe);
            if (probe.met()) {
                highestMet = middle;
            } else {
                lowestMissed = middle;
            }
        }
        return new Outcome(highestMet, probes);
    }

    private static Prober jmhProber(Limits limits, Options jmhSettings) {
        return concurrency -> probe(limits, jmhSettings, concurrency);
    }

    private static Probe probe(Limits limits, Options jmhSettings, int concurrency)
            throws RunnerException {
        Options options = new OptionsBuilder()
                .parent(jmhSettings)
                .include("^" + Pattern.quote(SloSearchBenchmark.class.getName()) + "\\.")
                .param("concurrency", Integer.toString(concurrency))
                .addProfiler(TokenMarkProfiler.class)
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        if (results.size() != 1) {
            throw new RunnerException("probe at concurrency " + concurrency + " gave "
                    + results.size() + " results instead of one; give one value per @Param");
        }
        Map<String, Result> secondary = results.iterator().next().getSecondaryResults();
        double ttft = score(secondary, "ttft.p99");
        double tpot = score(secondary, "tpot.p99");
        long failed = Math.round(score(secondary, SummaryResults.FAILED));
        return new Probe(concurrency, ttft, tpot, failed, limits.metBy(ttft, tpot, failed));
    }

    private static double score(Map<String, Result> results, String label) throws RunnerException {
        Result result = results.get(label);
        if (result == null) {
            throw new RunnerException("probe has no result " + label
                    + ": is the TokenMark profiler on the JMH classpath?");
        }
        return result.getScore();
    }

    /**
     * Searches with the benchmark's own JMH settings.
     *
     * @param args TTFT p99 limit in ms, TPOT p99 limit in ms, and the highest concurrency to try
     */
    public static void main(String[] args) throws RunnerException {
        if (args.length != 3) {
            System.err.println("usage: SloSearch TTFT_P99_MS TPOT_P99_MS MAX_CONCURRENCY,"
                    + " for example SloSearch 2000 40 128");
            System.exit(2);
        }
        Limits limits = new Limits(Double.parseDouble(args[0]), Double.parseDouble(args[1]));
        Outcome outcome = new SloSearch(limits, Integer.parseInt(args[2]),
                new OptionsBuilder().build()).run();

        for (Probe probe : outcome.probes()) {
            System.out.printf(Locale.ROOT, "concurrency %4d: TTFT p99 %9.1f ms, TPOT p99 %7.1f ms,"
                    + " %d failed: %s%n", probe.concurrency(), probe.ttftP99Millis(),
                    probe.tpotP99Millis(), probe.failedRequests(), probe.met() ? "met" : "missed");
        }
        System.out.println(outcome.highestConcurrency() == 0
                ? "No concurrency meets the objectives, not even 1."
                : "Highest concurrency that meets the objectives: " + outcome.highestConcurrency());
    }
}
