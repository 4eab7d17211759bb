package io.tokenmark.jmh.perf;

import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.core.metric.Slo;
import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.report.ConsoleTable;
import io.tokenmark.core.report.OutputLayout;
import io.tokenmark.core.report.RunMetadata;
import io.tokenmark.core.report.SummaryReader;
import io.tokenmark.core.run.BenchmarkRun;
import io.tokenmark.core.run.RunResult;
import io.tokenmark.core.sampler.LoadPoint;
import io.tokenmark.core.sampler.Sweep;
import io.tokenmark.netty.NettyInferenceClient;
import io.tokenmark.simulator.Simulator;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.engine.EngineProfile;
import io.tokenmark.simulator.profile.Profiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * The client-bound flag end to end: a deliberately overloaded client must be flagged in the
 * console and in the summary file, and a lightly loaded one must not.
 *
 * <p><b>Method.</b> Two runs go through {@link BenchmarkRun}, the same path as every benchmark
 * run, against an in-process simulator, each with a {@link NettyInferenceClient} of one I/O
 * thread:
 * <ul>
 *   <li><b>overloaded:</b> the {@code fast} profile (a token event per stream every
 *       millisecond) and an open-loop point at an infinite rate, so all {@code --requests}
 *       requests of {@code --tokens} token events are scheduled at once. The one I/O thread must
 *       open every connection and read every stream, so requests leave late (schedule lag) and
 *       the thread is busy most of the time;</li>
 *   <li><b>light:</b> the {@code fixed} profile (20 ms to the first token, then 10 ms between
 *       tokens), 200 requests of 10 token events at 100 requests per second.</li>
 * </ul>
 * Each run prints its console table. The figures are, for each run, whether its summary, read back
 * from its {@code summary-<point>.json}, is flagged client-bound, and its busy share.
 *
 * <pre>
 * java -cp CLASSPATH io.tokenmark.jmh.perf.ClientBoundBenchmark [--requests 3000]
 *     [--tokens 200]
 * </pre>
 */
public final class ClientBoundBenchmark {
    static final String NAME = "ClientBound";

    /** The settings of the overloaded run; see the class documentation. */
    record Settings(int requests, int tokens) {
        static Settings parse(String[] args) {
            PerfArgs parsed = new PerfArgs(args, Set.of("--requests", "--tokens"));
            return new Settings(parsed.positiveInt("--requests", 3000),
                    parsed.positiveInt("--tokens", 200));
        }
    }

    /**
     * One run's outcome.
     *
     * @param summary the summary as the run returned it
     * @param written the summary read back from its file
     * @param consoleText the console table printed for it
     */
    record Outcome(Summary summary, Summary written, String consoleText) {
    }

    private ClientBoundBenchmark() {
    }

    public static void main(String[] args) throws InterruptedException, IOException {
        Settings settings = PerfMain.settings("ClientBoundBenchmark", args, Settings::parse);
        PrintStream out = System.out;
        MachineDescription.print(out);
        Path folder = Files.createTempDirectory("tokenmark-client-bound");
        out.println("settings: overloaded run: " + settings.requests() + " requests of "
                + settings.tokens() + " token events at once, fast profile; light run: 200"
                + " requests of 10 token events at 100 req/s, fixed profile; one client I/O"
                + " thread each; results in " + folder);

        Outcome overloaded = runOverloaded(folder, settings.requests(), settings.tokens());
        out.print(overloaded.consoleText());
        Outcome light = runLight(folder);
        out.print(light.consoleText());

        new FigureTable(NAME)
                .add(new Figure("overloaded run flagged client-bound (1 = yes)",
                        overloaded.written().clientHealth().clientBound() ? 1 : 0, "",
                        Figure.Target.atLeast(1)))
                .add(Figure.info("overloaded run event-loop busy share",
                        overloaded.written().clientHealth().eventLoopBusyShare(), ""))
                .add(new Figure("light run flagged client-bound (1 = yes)",
                        light.written().clientHealth().clientBound() ? 1 : 0, "",
                        Figure.Target.atMost(0)))
                .add(Figure.info("light run event-loop busy share",
                        light.written().clientHealth().eventLoopBusyShare(), ""))
                .print(out);
        MachineDescription.printLoadAverage(out, "end");
    }

    /** Runs the overloaded point into {@code folder}/overloaded. */
    static Outcome runOverloaded(Path folder, int requests, int tokens)
            throws InterruptedException {
        LoadPoint point = LoadPoint.openLoop(Double.POSITIVE_INFINITY).requests(requests)
                .label("overloaded").build();
        return run(folder, "overloaded", Profiles.fast(), point, tokens);
    }

    /** Runs the light point into {@code folder}/light. */
    static Outcome runLight(Path folder) throws InterruptedException {
        LoadPoint point = LoadPoint.openLoop(100).requests(200).label("light").build();
        return run(folder, "light",
                Profiles.fixed(Duration.ofMillis(20), Duration.ofMillis(10)), point, 10);
    }

    private static Outcome run(Path folder, String label, EngineProfile profile, LoadPoint point,
            int tokens) throws InterruptedException {
        OutputLayout layout = OutputLayout.of(folder, label);
        try (Simulator simulator = Simulator.start(SimulatorOptions.builder()
                        .profile(profile).groundTruthCapacity(0).build());
                NettyInferenceClient client = NettyInferenceClient.create(
                        ClientOptions.builder(simulator.baseUrl())
                                .model(simulator.modelName())
                                .ioThreads(1)
                                .build())) {
            RunMetadata metadata = new RunMetadata(label, Instant.now(), "perf",
                    simulator.baseUrl().toString(), simulator.modelName(), "chat",
                    profile.name(), "fixed: " + tokens + " token events", point.description(),
                    Slo.none(), RunMetadata.Host.current(), Map.of());
            RunResult result = BenchmarkRun.builder()
                    .client(client)
                    .workload(new FixedLengthWorkload(tokens))
                    .sweep(Sweep.of(point))
                    .layout(layout)
                    .metadata(metadata)
                    .targetSharesHost(true)
                    .build()
                    .run();
            Summary summary = result.summaries().get(0);
            Summary written = SummaryReader.readPoint(
                    layout.pointSummaryFile(point.label()));
            return new Outcome(summary, written, ConsoleTable.format(summary));
        }
    }
}
