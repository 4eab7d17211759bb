package io.tokenmark.jmh.perf;

import io.tokenmark.simulator.Simulator;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.engine.BatchingProfile;
import io.tokenmark.simulator.engine.EngineProfile;
import io.tokenmark.simulator.profile.Profiles;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * Simulator capacity: whether the simulator alone, on its one event-loop thread, sustains a
 * number of concurrent streams and a token-event rate, so that it is not the bottleneck when the
 * client is measured.
 *
 * <p><b>Method.</b> An in-process simulator serves {@code --streams} streams with one token
 * event per stream every {@code --itl-ms}, in one of two engines ({@code --engine}):
 * <ul>
 *   <li>{@code batching} (default): a continuous-batching engine whose step lasts the ITL
 *       whatever it holds, with room for 65,536 sequences. Each step emits a token event for
 *       every running stream at once, as a batching server such as vLLM does;</li>
 *   <li>{@code fixed}: the {@code fixed} profile, first token after {@code --ttft-ms}, then
 *       each stream on a timeline of its own, so token events are spread evenly in time and
 *       the simulator wakes up for nearly every one.</li>
 * </ul>
 * The streams are opened evenly over {@code --ramp-seconds} by an {@link SseLoadGenerator}: one
 * connection and one request per stream, long enough to outlast the run, and a single
 * event-loop thread that only counts events. The demanded rate is streams ÷ ITL (5,000 ÷ 25 ms
 * = 200,000 token events per second). After the ramp and {@code --warmup-seconds}, the run counts
 * the events received in {@code --seconds} and the CPU time of the simulator's thread
 * ({@code tokenmark-simulator-*}) and of the generator's. A simulator that cannot keep up
 * delivers less than the demanded rate: its steps last longer than the ITL, or its streams
 * fall behind their timelines.
 *
 * <p><b>Target:</b> at least 5,000 concurrent streams and 200,000 token events per second from
 * the one simulator thread.
 *
 * <pre>
 * java -cp CLASSPATH io.tokenmark.jmh.perf.SimulatorCapacityBenchmark [--streams 5000]
 *     [--itl-ms 25] [--engine batching|fixed] [--ttft-ms 10] [--ramp-seconds 2]
 *     [--warmup-seconds 3] [--seconds 5]
 * </pre>
 *
 * <p><b>Caveat:</b> the generator shares the host; on a 2-core machine it takes most of the
 * second core.
 */
public final class SimulatorCapacityBenchmark {
    static final String NAME = "SimulatorCapacity";
    /** Target concurrent streams. */
    static final double TARGET_STREAMS = 5000;
    /** Target rate, in token events per second. */
    static final double TARGET_EVENTS_PER_SECOND = 200_000;

    /** The settings of one run; see the class documentation for their meaning. */
    record Settings(int streams, double itlMillis, boolean batching, double ttftMillis,
            int rampSeconds, int warmupSeconds, int seconds) {
        static Settings parse(String[] args) {
            PerfArgs parsed = new PerfArgs(args, Set.of("--streams", "--itl-ms", "--engine",
                    "--ttft-ms", "--ramp-seconds", "--warmup-seconds", "--seconds"));
            String engine = parsed.text("--engine", "batching");
            if (!engine.equals("batching") && !engine.equals("fixed")) {
                throw new IllegalArgumentException("invalid --engine '" + engine
                        + "': use batching or fixed");
            }
            return new Settings(
                    parsed.positiveInt("--streams", 5000),
                    parsed.positiveDouble("--itl-ms", 25),
                    engine.equals("batching"),
                    parsed.positiveDouble("--ttft-ms", 10),
                    parsed.positiveInt("--ramp-seconds", 2),
                    parsed.positiveInt("--warmup-seconds", 3),
                    parsed.positiveInt("--seconds", 5));
        }

        double demandedEventsPerSecond() {
            return streams * 1000 / itlMillis;
        }

        /** Token events per request: enough to outlast the ramp, warm-up and window twice. */
        int tokensPerRequest() {
            double seconds = rampSeconds + warmupSeconds + this.seconds;
            return (int) Math.min(1_000_000, Math.ceil(2 * seconds * 1000 / itlMillis) + 10);
        }
    }

    /**
     * The measurements of one window.
     *
     * @param openStreams streams open at the end of the window
     * @param events events received in the window
     * @param windowNanos the window's length
     * @param simulatorCpuNanos CPU time of the simulator's thread in the window
     * @param generatorCpuNanos CPU time of the generator's thread in the window
     * @param failedConnects connections the generator could not open
     */
    record Result(int openStreams, long events, long windowNanos, long simulatorCpuNanos,
            long generatorCpuNanos, int failedConnects) {
        double eventsPerSecond() {
            return events * 1e9 / windowNanos;
        }

        /** CPU time of the simulator's thread per event, in µs. */
        double simulatorCpuMicrosPerEvent() {
            return events == 0 ? Double.NaN : simulatorCpuNanos / 1000.0 / events;
        }

        /**
         * Events per second the simulator's thread would serve with a core to itself at the
         * measured CPU cost per event: an estimate, since the cost per event changes with load.
         */
        double oneCoreEventsPerSecondEstimate() {
            return simulatorCpuNanos == 0 ? Double.NaN : events * 1e9 / simulatorCpuNanos;
        }
    }

    private SimulatorCapacityBenchmark() {
    }

    public static void main(String[] args) throws InterruptedException {
        Settings settings = PerfMain.settings("SimulatorCapacityBenchmark", args, Settings::parse);
        PrintStream out = System.out;
        MachineDescription.print(out);
        out.printf(Locale.ROOT, "settings: %,d streams, %.1f ms between tokens (demanded %,.0f"
                        + " token events/s), %s engine, first token after %.1f ms (fixed engine),"
                        + " %d s ramp, %d s warm-up, %d s window, %,d token events per request%n",
                settings.streams(), settings.itlMillis(), settings.demandedEventsPerSecond(),
                settings.batching() ? "batching" : "fixed", settings.ttftMillis(),
                settings.rampSeconds(), settings.warmupSeconds(),
                settings.seconds(), settings.tokensPerRequest());

        Result result = measure(settings);
        out.printf(Locale.ROOT, "%,d streams open, %,.0f token events/s, simulator thread CPU"
                        + " share %.2f, load generator thread CPU share %.2f, %d connections"
                        + " failed%n",
                result.openStreams(), result.eventsPerSecond(),
                (double) result.simulatorCpuNanos() / result.windowNanos(),
                (double) result.generatorCpuNanos() / result.windowNanos(),
                result.failedConnects());
        figures(settings, result).print(out);
        MachineDescription.printLoadAverage(out, "end");
    }

    static Result measure(Settings settings) throws InterruptedException {
        SimulatorOptions options = SimulatorOptions.builder()
                .profile(profile(settings))
                .groundTruthCapacity(0)
                .build();
        try (Simulator simulator = Simulator.start(options);
                SseLoadGenerator generator = new SseLoadGenerator(simulator.baseUrl(),
                        simulator.modelName(), settings.tokensPerRequest())) {
            long rampNanos = settings.rampSeconds() * 1_000_000_000L;
            long start = System.nanoTime();
            for (int i = 0; i < settings.streams(); i++) {
                long openAt = start + rampNanos * i / settings.streams();
                long wait;
                while ((wait = openAt - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                generator.openStream();
            }
            long warmupEnd = start + rampNanos + settings.warmupSeconds() * 1_000_000_000L;
            long wait;
            while ((wait = warmupEnd - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }

            ThreadCpuClock simulatorLoop = new ThreadCpuClock("tokenmark-simulator-");
            ThreadCpuClock generatorLoop = new ThreadCpuClock(SseLoadGenerator.THREAD_PREFIX);
            long events0 = generator.events();
            long simulator0 = simulatorLoop.cpuNanos();
            long generator0 = generatorLoop.cpuNanos();
            long wall0 = System.nanoTime();

            Thread.sleep(settings.seconds() * 1000L);

            long wall = System.nanoTime() - wall0;
            Result result = new Result(generator.openStreams(), generator.events() - events0,
                    wall, simulatorLoop.cpuNanos() - simulator0,
                    generatorLoop.cpuNanos() - generator0, generator.failedConnects());
            // The server closes the streams first, so that it logs no reset connections.
            simulator.close();
            return result;
        }
    }

    /** Returns the engine profile the settings name. */
    static EngineProfile profile(Settings settings) {
        if (!settings.batching()) {
            return Profiles.fixed(Duration.ofNanos(Math.round(settings.ttftMillis() * 1e6)),
                    Duration.ofNanos(Math.round(settings.itlMillis() * 1e6)));
        }
        return BatchingProfile.builder("capacity")
                .description("steps of " + settings.itlMillis() + " ms, up to 65,536 sequences,"
                        + " no prefill cost")
                .maxRunningSequences(65_536)
                .maxBatchedTokens(1 << 24)
                .kvCacheTokens(1L << 40)
                .maxModelTokens(1 << 20)
                .stepBaseNanos(settings.itlMillis() * 1e6)
                .build();
    }

    static FigureTable figures(Settings settings, Result result) {
        return new FigureTable(NAME)
                .add(new Figure("concurrent streams", result.openStreams(), "streams",
                        Figure.Target.atLeast(TARGET_STREAMS)))
                .add(Figure.info("demanded token events per second",
                        settings.demandedEventsPerSecond(), "events/s"))
                .add(new Figure("token events per second served", result.eventsPerSecond(),
                        "events/s", Figure.Target.atLeast(TARGET_EVENTS_PER_SECOND)))
                .add(Figure.info("simulator thread CPU share",
                        (double) result.simulatorCpuNanos() / result.windowNanos(), ""))
                .add(Figure.info("load generator thread CPU share",
                        (double) result.generatorCpuNanos() / result.windowNanos(), ""))
                .add(Figure.info("simulator thread CPU time per token event",
                        result.simulatorCpuMicrosPerEvent(), "µs"))
                .add(Figure.info("one simulator core at that CPU cost (estimate)",
                        result.oneCoreEventsPerSecondEstimate(), "events/s"));
    }
}
