package io.tokenmark.jmh.perf;

import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.core.client.RequestFailure;
import io.tokenmark.core.client.StreamListener;
import io.tokenmark.core.client.TokenEvent;
import io.tokenmark.core.workload.RequestSpec;
import io.tokenmark.netty.NettyInferenceClient;
import io.tokenmark.simulator.Simulator;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.profile.Profiles;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Throughput ceiling: the most token events per second the client ingests over loopback from the
 * simulator's {@code fast} profile, and the CPU time the client spends per 1,000 of them.
 *
 * <p><b>Method.</b> For each stream count N, an in-process simulator with the {@code fast}
 * profile (a step every millisecond, one token event per running stream per step) serves N
 * streams of {@code --tokens} token events each; a stream that ends is replaced at once from the
 * client's I/O thread, so N streams stay in flight. After {@code --warmup-seconds}, the run counts
 * the token events the client's listeners receive during {@code --seconds}, and reads the thread
 * CPU time of the client's I/O threads ({@code tokenmark-io-*}), of the simulator's event loop
 * ({@code tokenmark-simulator-*}) and of the whole process at both ends of that window.
 *
 * <p>The ingested rate is the smaller of what the simulator can write and what the client can
 * read, so the run also prints the simulator thread's CPU share: near 1, the simulator was the
 * limit, and the client's CPU time per event is the better guide to its own ceiling
 * (10⁹ ns ÷ CPU ns per event ≈ events per second on one core).
 *
 * <p><b>Target:</b> at least 200,000 token events per second on a 2-core machine with the
 * simulator on the same host.
 *
 * <pre>
 * java -cp CLASSPATH io.tokenmark.jmh.perf.ThroughputCeilingBenchmark [--streams 200,1000]
 *     [--tokens 10000] [--seconds 5] [--warmup-seconds 3] [--io-threads 1]
 * </pre>
 */
public final class ThroughputCeilingBenchmark {
    static final String NAME = "ThroughputCeiling";
    /** Target ingest rate, in token events per second. */
    static final double TARGET_EVENTS_PER_SECOND = 200_000;

    /** The settings of one run; see the class documentation for their meaning. */
    record Settings(List<Integer> streams, int tokens, int seconds, int warmupSeconds,
            int ioThreads) {
        static Settings parse(String[] args) {
            PerfArgs parsed = new PerfArgs(args, Set.of("--streams", "--tokens", "--seconds",
                    "--warmup-seconds", "--io-threads"));
            return new Settings(
                    parsed.positiveInts("--streams", List.of(200, 1000)),
                    parsed.positiveInt("--tokens", 10_000),
                    parsed.positiveInt("--seconds", 5),
                    parsed.positiveInt("--warmup-seconds", 3),
                    parsed.positiveInt("--io-threads", 1));
        }
    }

    /**
     * The measurements of one stream count over its window.
     *
     * @param streams streams kept in flight
     * @param events token events the client received in the window
     * @param windowNanos the window's length
     * @param clientIoCpuNanos CPU time of the client's I/O threads in the window
     * @param simulatorCpuNanos CPU time of the simulator's event loop in the window
     * @param processCpuNanos CPU time of the whole process in the window, or -1
     * @param clientBusyShare the client's event-loop busy share in the window
     * @param failedRequests requests that failed during the whole run
     */
    record Level(int streams, long events, long windowNanos, long clientIoCpuNanos,
            long simulatorCpuNanos, long processCpuNanos, double clientBusyShare,
            long failedRequests) {
        double eventsPerSecond() {
            return events * 1e9 / windowNanos;
        }

        /** Client I/O-thread CPU time per 1,000 events, in µs. */
        double clientIoCpuMicrosPer1000() {
            return events == 0 ? Double.NaN : clientIoCpuNanos / (events / 1000.0) / 1000;
        }

        /** Process CPU time minus the simulator's per 1,000 events, in µs; NaN when unknown. */
        double processMinusSimulatorMicrosPer1000() {
            if (events == 0 || processCpuNanos < 0) {
                return Double.NaN;
            }
            return (processCpuNanos - simulatorCpuNanos) / (events / 1000.0) / 1000;
        }

        double simulatorCpuShare() {
            return (double) simulatorCpuNanos / windowNanos;
        }

        /**
         * Events per second one fully used I/O thread would ingest at the measured CPU cost per
         * event: an estimate that ignores what changes with load, such as several events per
         * read.
         */
        double oneThreadEventsPerSecondEstimate() {
            return clientIoCpuNanos == 0 ? Double.NaN : events * 1e9 / clientIoCpuNanos;
        }
    }

    private ThroughputCeilingBenchmark() {
    }

    public static void main(String[] args) throws InterruptedException {
        Settings settings = PerfMain.settings("ThroughputCeilingBenchmark", args, Settings::parse);
        PrintStream out = System.out;
        MachineDescription.print(out);
        out.printf(Locale.ROOT, "settings: streams %s, %d token events per stream, %d s warm-up,"
                        + " %d s window, %d client I/O threads, simulator profile fast%n",
                settings.streams(), settings.tokens(), settings.warmupSeconds(),
                settings.seconds(), settings.ioThreads());

        List<Level> levels = new ArrayList<>();
        for (int streams : settings.streams()) {
            Level level = measure(settings, streams);
            out.printf(Locale.ROOT, "streams %,d: %,.0f token events/s, client I/O CPU %.1f µs"
                            + " per 1,000 events, process minus simulator CPU %.1f µs per 1,000"
                            + " events, simulator thread CPU share %.2f, client event-loop busy"
                            + " share %.2f, %d requests failed%n",
                    streams, level.eventsPerSecond(), level.clientIoCpuMicrosPer1000(),
                    level.processMinusSimulatorMicrosPer1000(), level.simulatorCpuShare(),
                    level.clientBusyShare(), level.failedRequests());
            out.flush();
            levels.add(level);
        }
        figures(levels).print(out);
        MachineDescription.printLoadAverage(out, "end");
    }

    /** Keeps {@code streams} streams in flight and measures one window. */
    static Level measure(Settings settings, int streams) throws InterruptedException {
        SimulatorOptions options = SimulatorOptions.builder()
                .profile(Profiles.fast())
                .groundTruthCapacity(0)
                .build();
        try (Simulator simulator = Simulator.start(options);
                NettyInferenceClient client = NettyInferenceClient.create(
                        ClientOptions.builder(simulator.baseUrl())
                                .model(simulator.modelName())
                                .ioThreads(settings.ioThreads())
                                .build())) {
            StreamLoop loop = new StreamLoop(client,
                    FixedLengthWorkload.request(settings.tokens()));
            for (int i = 0; i < streams; i++) {
                loop.sendNext();
            }
            Thread.sleep(settings.warmupSeconds() * 1000L);

            ThreadCpuClock clientIo = new ThreadCpuClock("tokenmark-io-");
            ThreadCpuClock simulatorLoop = new ThreadCpuClock("tokenmark-simulator-");
            long events0 = loop.events.sum();
            long client0 = clientIo.cpuNanos();
            long simulator0 = simulatorLoop.cpuNanos();
            long process0 = ThreadCpuClock.processCpuNanos();
            long busy0 = client.busyNanos();
            long wall0 = System.nanoTime();

            Thread.sleep(settings.seconds() * 1000L);

            long wall = System.nanoTime() - wall0;
            long events = loop.events.sum() - events0;
            long clientCpu = clientIo.cpuNanos() - client0;
            long simulatorCpu = simulatorLoop.cpuNanos() - simulator0;
            long process1 = ThreadCpuClock.processCpuNanos();
            long processCpu = process0 < 0 || process1 < 0 ? -1 : process1 - process0;
            double busyShare = (double) (client.busyNanos() - busy0)
                    / (wall * (double) client.ioThreads());
            loop.stop();
            // The server closes the streams first, so that it logs no reset connections.
            simulator.close();
            return new Level(streams, events, wall, clientCpu, simulatorCpu, processCpu,
                    busyShare, loop.failed.get());
        }
    }

    /** Returns the figures: rate and CPU per stream count, and the best rate against the target. */
    static FigureTable figures(List<Level> levels) {
        FigureTable table = new FigureTable(NAME);
        double best = Double.NaN;
        for (Level level : levels) {
            String at = String.format(Locale.ROOT, " at %,d streams", level.streams());
            table.add(Figure.info("ingested" + at, level.eventsPerSecond(), "events/s"));
            table.add(Figure.info("client I/O CPU per 1,000 events" + at,
                    level.clientIoCpuMicrosPer1000(), "µs"));
            table.add(Figure.info("process minus simulator CPU per 1,000 events" + at,
                    level.processMinusSimulatorMicrosPer1000(), "µs"));
            table.add(Figure.info("simulator thread CPU share" + at, level.simulatorCpuShare(),
                    ""));
            table.add(Figure.info("one client I/O thread at that CPU cost (estimate)" + at,
                    level.oneThreadEventsPerSecondEstimate(), "events/s"));
            if (!(level.eventsPerSecond() <= best)) {
                best = level.eventsPerSecond();
            }
        }
        table.add(new Figure("most events ingested per second", best, "events/s",
                Figure.Target.atLeast(TARGET_EVENTS_PER_SECOND)));
        return table;
    }

    /**
     * Keeps streams going: every stream that ends, successfully or not, is replaced by a new
     * request sent from the ending stream's I/O thread, until {@link #stop()}.
     */
    private static final class StreamLoop {
        final LongAdder events = new LongAdder();
        final AtomicLong failed = new AtomicLong();
        private final NettyInferenceClient client;
        private final RequestSpec spec;
        private final AtomicLong ids = new AtomicLong();
        private volatile boolean stopped;

        StreamLoop(NettyInferenceClient client, RequestSpec spec) {
            this.client = client;
            this.spec = spec;
        }

        void sendNext() {
            if (!stopped) {
                client.send("ceiling-" + ids.getAndIncrement(), spec, new Counting());
            }
        }

        void stop() {
            stopped = true;
        }

        private final class Counting implements StreamListener {
            @Override
            public void onRequestSent(long sendNanos) {
            }

            @Override
            public void onResponseHeaders(int httpStatus, long arrivalNanos) {
            }

            @Override
            public void onTokenEvent(TokenEvent event) {
                events.increment();
            }

            @Override
            public void onUsage(long arrivalNanos, int promptTokens, int completionTokens) {
            }

            @Override
            public void onFinishReason(String finishReason) {
            }

            @Override
            public void onComplete(long endNanos) {
                sendNext();
            }

            @Override
            public void onFailure(RequestFailure failure) {
                if (!stopped) {
                    failed.incrementAndGet();
                }
                sendNext();
            }
        }
    }
}
