package io.tokenmark.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmark.core.metric.Distribution;
import io.tokenmark.jmh.results.DistributionResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs short JMH benchmarks from tests and reads what they wrote. */
final class JmhTestRuns {
    static final ObjectMapper JSON = new ObjectMapper();

    private JmhTestRuns() {
    }

    /**
     * Returns options for {@code benchmark} with the profiler, fail-on-error, one-second
     * iterations (one warm-up, two measured) and the given forks.
     */
    static ChainedOptionsBuilder options(Class<?> benchmark, int forks) {
        // Tests may run while other JMH runs hold the machine-wide lock; timings here are
        // checked with tolerances, not compared across runs.
        System.setProperty("jmh.ignoreLock", "true");
        return new OptionsBuilder()
                .include("^" + Pattern.quote(benchmark.getName()) + "\\.")
                .forks(forks)
                .warmupIterations(1)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(2)
                .measurementTime(TimeValue.seconds(1))
                .shouldFailOnError(true)
                .addProfiler(TokenMarkProfiler.class);
    }

    /** A run of {@link #runWithinTiming} and the folder its {@code out} parameter named. */
    record TimedRun(RunResult result, Path out) {
    }

    /**
     * Runs a benchmark of the fixed profile ({@link FixedTimingSteadyBenchmark#TTFT},
     * {@link FixedTimingSteadyBenchmark#ITL}) until its mean TTFT is within 2 ms and its mean TPOT
     * within 0.5 ms of the profile, at most three times, and returns the last run.
     * A loaded machine can delay a first token by more than 2 ms, which one more run usually
     * avoids, while a real bias fails every run. Each run writes to its own folder under
     * {@code out}, which {@code options} gets.
     */
    static TimedRun runWithinTiming(Path out, Function<Path, ChainedOptionsBuilder> options)
            throws RunnerException {
        double ttftMillis = FixedTimingSteadyBenchmark.TTFT.toNanos() / 1e6;
        double tpotMillis = FixedTimingSteadyBenchmark.ITL.toNanos() / 1e6;
        for (int attempt = 1; ; attempt++) {
            Path attemptOut = out.resolve("attempt-" + attempt);
            RunResult result = runOne(options.apply(attemptOut));
            boolean withinTiming = Math.abs(score(result, "ttft") - ttftMillis) <= 2.0
                    && Math.abs(score(result, "tpot") - tpotMillis) <= 0.5;
            if (withinTiming || attempt == 3) {
                return new TimedRun(result, attemptOut);
            }
        }
    }

    /** Runs the options and returns the single result. */
    static RunResult runOne(ChainedOptionsBuilder options) throws RunnerException {
        Collection<RunResult> results = new Runner(options.build()).run();
        if (results.size() != 1) {
            throw new IllegalStateException("expected one result, got " + results.size());
        }
        return results.iterator().next();
    }

    /** Returns the merged distribution of a secondary result. */
    static Distribution secondaryDistribution(RunResult result, String label) {
        Result<?> secondary = result.getSecondaryResults().get(label);
        if (!(secondary instanceof DistributionResult)) {
            throw new IllegalStateException("no distribution result " + label + " in "
                    + result.getSecondaryResults().keySet());
        }
        return ((DistributionResult) secondary).distribution();
    }

    /** Reads every line of a {@code requests.jsonl}. */
    static List<JsonNode> requestLines(Path runDirectory) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(runDirectory.resolve("requests.jsonl"),
                StandardCharsets.UTF_8)) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    /** Returns the nanoseconds of a {@code _ms} field of each line that has one. */
    static long[] nanos(List<JsonNode> lines, String field) {
        return lines.stream()
                .filter(line -> line.hasNonNull(field))
                .mapToLong(line -> Math.round(line.get(field).asDouble() * 1e6))
                .toArray();
    }

    /** Returns the distribution of the given nanosecond values. */
    static Distribution distributionOf(long[] nanos) {
        double[] values = new double[nanos.length];
        for (int i = 0; i < nanos.length; i++) {
            values[i] = nanos[i];
        }
        return Distribution.of(values);
    }

    /**
     * Asserts that two distributions hold the same samples: the same count, sum, extremes and
     * histogram. The sums of squared deviations may differ in the last bits, because merging
     * per-iteration distributions adds them in another order than one recorder does.
     */
    static void assertSameSamples(Distribution actual, Distribution expected) {
        assertThat(actual.count()).as("count").isEqualTo(expected.count());
        assertThat(actual.sum()).as("sum").isEqualTo(expected.sum());
        assertThat(actual.min()).as("min").isEqualTo(expected.min());
        assertThat(actual.max()).as("max").isEqualTo(expected.max());
        assertThat(actual.histogramCopy()).as("histogram").isEqualTo(expected.histogramCopy());
        assertThat(actual.m2()).as("m2").isCloseTo(expected.m2(),
                within(Math.abs(expected.m2()) * 1e-9));
    }

    /** Returns the score of a secondary result. */
    static double score(RunResult result, String label) {
        Result<?> secondary = result.getSecondaryResults().get(label);
        if (secondary == null) {
            throw new IllegalStateException("no result " + label + " in "
                    + result.getSecondaryResults().keySet());
        }
        return secondary.getScore();
    }
}
