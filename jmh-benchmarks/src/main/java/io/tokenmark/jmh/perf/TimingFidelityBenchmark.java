package io.tokenmark.jmh.perf;

import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.core.workload.RequestSpec;
import io.tokenmark.netty.NettyInferenceClient;
import io.tokenmark.simulator.Simulator;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.profile.Profiles;
import io.tokenmark.simulator.truth.GroundTruth;
import io.tokenmark.simulator.truth.RequestTruth;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Timing fidelity: how far the client's recorded arrival time of every token event lies from
 * the time the in-process simulator flushed that event to the socket, at several numbers of
 * concurrent streams.
 *
 * <p><b>Method.</b> For each stream count N, a fresh simulator with the {@code fixed} profile
 * (first token after {@code --ttft-ms}, then one token event every {@code --itl-ms}) and a fresh
 * {@link NettyInferenceClient} run N requests of {@code --tokens} token events each
 * ({@code max_tokens} with {@code ignore_eos}), all in flight together. The client has
 * {@code --io-threads} event loops, by default one fewer than the processors (at least one), so
 * that the simulator's event loop keeps a core of its own. Their starts are spread
 * evenly over one inter-token interval, so token events arrive at a steady rate of
 * N / ITL instead of in bursts. A warm-up round of the same shape, at most 1,000 streams and 20
 * tokens, runs first so that both sides are compiled. Each request carries its own
 * {@code X-Request-Id}; the simulator's {@link GroundTruth} has, for every request id, the
 * {@code System.nanoTime()} taken after each token event's write was flushed. The error of
 * token event k is the client's arrival time of its k-th token event minus the simulator's flush
 * time of its k-th token event. Both clocks are the same JVM's {@code System.nanoTime()}.
 *
 * <p><b>What the error contains:</b> the loopback transfer, the wake-up of the client's event
 * loop, and the time a read waits while the loop handles other channels. It is slightly
 * negative when the client reads the bytes before the simulator thread takes its time stamp
 * after the flush returns.
 *
 * <p><b>Target:</b> p99 error at most 100 µs at 1,000 streams with 20 ms between tokens.
 *
 * <pre>
 * java -cp CLASSPATH io.tokenmark.jmh.perf.TimingFidelityBenchmark [--streams 1,100,1000,5000]
 *     [--itl-ms 20] [--ttft-ms 50] [--tokens 100] [--io-threads N]
 * </pre>
 *
 * <p><b>Caveat:</b> the simulator and the client share the host and the JVM, so they compete
 * for cores, and a garbage-collection pause between a flush and the read shows as error.
 */
public final class TimingFidelityBenchmark {
    static final String NAME = "TimingFidelity";
    /** Stream count at which the p99 target applies. */
    static final int TARGET_STREAMS = 1000;
    /** Inter-token interval at which the p99 target applies, in ms. */
    static final double TARGET_ITL_MILLIS = 20;
    /** Target p99 error, in µs. */
    static final double TARGET_P99_MICROS = 100;

    private static final int WARMUP_STREAMS = 1000;
    private static final int WARMUP_TOKENS = 20;

    /** The settings of one run; see the class documentation for their meaning. */
    record Settings(List<Integer> streams, double itlMillis, double ttftMillis, int tokens,
            int ioThreads) {
        static Settings parse(String[] args) {
            PerfArgs parsed = new PerfArgs(args,
                    Set.of("--streams", "--itl-ms", "--ttft-ms", "--tokens", "--io-threads"));
            return new Settings(
                    parsed.positiveInts("--streams", List.of(1, 100, 1000, 5000)),
                    parsed.positiveDouble("--itl-ms", TARGET_ITL_MILLIS),
                    parsed.positiveDouble("--ttft-ms", 50),
                    parsed.positiveInt("--tokens", 100),
                    parsed.positiveInt("--io-threads",
                            Math.max(1, Runtime.getRuntime().availableProcessors() - 1)));
        }
    }

    /**
     * The outcome of one stream count.
     *
     * @param streams concurrent streams
     * @param errorsNanos signed error of every matched token event, in ns
     * @param failedRequests requests that did not complete
     * @param unmatchedEvents token events without a flush time in the truth, or missing on one
     *     side
     * @param busyShare the client's event-loop busy share during the measured round
     */
    record Level(int streams, SignedSamples errorsNanos, int failedRequests, long unmatchedEvents,
            double busyShare) {
    }

    private TimingFidelityBenchmark() {
    }

    public static void main(String[] args) throws InterruptedException {
        Settings settings = PerfMain.settings("TimingFidelityBenchmark", args, Settings::parse);
        PrintStream out = System.out;
        MachineDescription.print(out);
        out.printf(Locale.ROOT, "settings: streams %s, %.1f ms between tokens, first token after"
                + " %.1f ms, %d token events per stream, %d client I/O threads%n",
                settings.streams(), settings.itlMillis(), settings.ttftMillis(), settings.tokens(),
                settings.ioThreads());

        List<Level> levels = new ArrayList<>();
        for (int streams : settings.streams()) {
            Level level = measure(settings, streams);
            printLevel(out, level);
            levels.add(level);
        }
        figures(settings, levels).print(out);
        MachineDescription.printLoadAverage(out, "end");
    }

    /** Runs one stream count: a warm-up round, then the measured round. */
    static Level measure(Settings settings, int streams) throws InterruptedException {
        SimulatorOptions options = SimulatorOptions.builder()
                .profile(Profiles.fixed(millis(settings.ttftMillis()),
                        millis(settings.itlMillis())))
                .groundTruthCapacity(streams + WARMUP_STREAMS)
                .build();
        try (Simulator simulator = Simulator.start(options);
                NettyInferenceClient client = NettyInferenceClient.create(
                        ClientOptions.builder(simulator.baseUrl())
                                .model(simulator.modelName())
                                .ioThreads(settings.ioThreads())
                                .build())) {
            int warmupStreams = Math.min(streams, WARMUP_STREAMS);
            runRound(client, settings, warmupStreams, WARMUP_TOKENS, "warmup-" + streams);

            long busyBefore = client.busyNanos();
            long wallBefore = System.nanoTime();
            Round round = runRound(client, settings, streams, settings.tokens(),
                    "fidelity-" + streams);
            double busyShare = (double) (client.busyNanos() - busyBefore)
                    / ((System.nanoTime() - wallBefore) * (double) client.ioThreads());

            SignedSamples errors = new SignedSamples();
            long unmatched = 0;
            for (int i = 0; i < streams; i++) {
                Optional<RequestTruth> truth = simulator.groundTruth()
                        .await(round.requestId(i), Duration.ofSeconds(10));
                TokenArrivals arrivals = round.arrivals().get(i);
                if (truth.isEmpty()) {
                    unmatched += arrivals.count();
                    continue;
                }
                unmatched += addErrors(arrivals, truth.get(), errors);
            }
            return new Level(streams, errors, round.failed(), unmatched, busyShare);
        }
    }

    /**
     * Adds the error of every token event that both sides know, arrival minus flush time, and
     * returns how many token events could not be matched: events one side has and the other
     * lacks, and events whose flush time the truth does not have ({@code -1}).
     */
    static long addErrors(TokenArrivals arrivals, RequestTruth truth, SignedSamples errors) {
        int common = Math.min(arrivals.count(), truth.tokenEvents());
        long unmatched = Math.abs(arrivals.count() - truth.tokenEvents());
        for (int k = 0; k < common; k++) {
            long flushed = truth.tokenEventNanos(k);
            if (flushed < 0) {
                unmatched++;
            } else {
                errors.add(arrivals.arrivalNanos(k) - flushed);
            }
        }
        return unmatched;
    }

    /** The requests of one round, in send order, and how many failed. */
    private record Round(String prefix, List<TokenArrivals> arrivals, int failed) {
        String requestId(int i) {
            return prefix + "-" + i;
        }
    }

    private static Round runRound(NettyInferenceClient client, Settings settings, int streams,
            int tokens, String prefix) throws InterruptedException {
        RequestSpec spec = FixedLengthWorkload.request(tokens);
        CountDownLatch ended = new CountDownLatch(streams);
        List<TokenArrivals> arrivals = new ArrayList<>(streams);
        long itlNanos = millis(settings.itlMillis()).toNanos();
        long start = System.nanoTime();
        for (int i = 0; i < streams; i++) {
            long sendAt = start + itlNanos * i / streams;
            long wait;
            while ((wait = sendAt - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            TokenArrivals listener = new TokenArrivals(tokens, ended);
            arrivals.add(listener);
            client.send(prefix + "-" + i, spec, listener);
        }

        long roundNanos = millis(settings.ttftMillis()).toNanos() + tokens * itlNanos;
        long timeoutNanos = 3 * roundNanos + TimeUnit.SECONDS.toNanos(60);
        if (!ended.await(timeoutNanos, TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException("round " + prefix + " did not end within "
                    + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s: " + ended.getCount()
                    + " of " + streams + " requests still open");
        }
        int failed = 0;
        for (TokenArrivals listener : arrivals) {
            if (listener.failure() != null) {
                failed++;
            }
        }
        return new Round(prefix, arrivals, failed);
    }

    private static void printLevel(PrintStream out, Level level) {
        SignedSamples e = level.errorsNanos();
        out.printf(Locale.ROOT, "streams %,d: %,d token events matched, %,d unmatched, %d requests"
                        + " failed, client event-loop busy share %.2f%n",
                level.streams(), e.count(), level.unmatchedEvents(), level.failedRequests(),
                level.busyShare());
        out.printf(Locale.ROOT, "streams %,d: error (µs) min %.1f, p50 %.1f, p90 %.1f, p99 %.1f,"
                        + " p99.9 %.1f, max %.1f, mean %.1f%n",
                level.streams(), micros(e.min()), micros(percentile(e, 50)),
                micros(percentile(e, 90)), micros(percentile(e, 99)),
                micros(percentile(e, 99.9)), micros(e.max()), micros(e.mean()));
        out.flush();
    }

    /** Returns the figures: error percentiles per stream count, the target on p99 at 1,000. */
    static FigureTable figures(Settings settings, List<Level> levels) {
        FigureTable table = new FigureTable(NAME);
        for (Level level : levels) {
            SignedSamples e = level.errorsNanos();
            String at = String.format(Locale.ROOT, " at %,d streams, ITL %.0f ms",
                    level.streams(), settings.itlMillis());
            boolean targetApplies = level.streams() == TARGET_STREAMS
                    && settings.itlMillis() == TARGET_ITL_MILLIS;
            table.add(Figure.info("error p50" + at, micros(percentile(e, 50)), "µs"));
            table.add(new Figure("error p99" + at, micros(percentile(e, 99)), "µs",
                    targetApplies ? Figure.Target.atMost(TARGET_P99_MICROS) : null));
            table.add(Figure.info("error max" + at, micros(e.max()), "µs"));
            table.add(new Figure("failed requests" + at, level.failedRequests(), "requests",
                    Figure.Target.atMost(0)));
        }
        return table;
    }

    private static double percentile(SignedSamples samples, double p) {
        return samples.count() == 0 ? Double.NaN : samples.percentile(p);
    }

    private static double micros(double nanos) {
        return nanos / 1000;
    }

    private static Duration millis(double millis) {
        return Duration.ofNanos(Math.round(millis * 1_000_000));
    }
}
