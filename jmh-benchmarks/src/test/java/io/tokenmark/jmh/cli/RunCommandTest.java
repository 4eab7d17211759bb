package io.tokenmark.jmh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.report.OutputLayout;
import io.tokenmark.core.report.RequestLogEntry;
import io.tokenmark.core.report.RequestLogReader;
import io.tokenmark.core.report.RunMetadata;
import io.tokenmark.core.report.SummaryReader;
import io.tokenmark.jmh.testing.CliRunner;
import io.tokenmark.simulator.Simulator;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.profile.Profiles;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tokenmark run} end to end in this JVM, against the embedded simulator or a simulator
 * the test starts on 127.0.0.1, over real sockets: the run folder, the recorded flags, the exit
 * statuses, the API key and resuming.
 */
@Timeout(120)
class RunCommandTest {
    private static final String CANARY_KEY = "sk-tokenmark-canary-4711";

    @TempDir
    Path folder;

    /** Returns the arguments of a quick run: the fixed profile at a tenth of its timing. */
    private List<String> quickRun(String label, String... more) {
        List<String> args = new ArrayList<>(List.of("run", "--out", folder.toString(), "--label",
                label, "--time-scale", "0.1", "--input-tokens", "32", "--output-tokens", "8",
                "--progress", "off"));
        args.addAll(List.of(more));
        return args;
    }

    private static CliRunner.Result run(List<String> args) {
        return CliRunner.run(args.toArray(String[]::new));
    }

    @Test
    void runWritesRunFolderWithTablePerPoint() throws IOException {
        CliRunner.Result result = run(quickRun("quick", "--concurrency", "1,2", "--number", "3,4"));

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
        OutputLayout layout = OutputLayout.of(folder, "quick");
        List<Summary> points = SummaryReader.readRunSummary(layout.runSummaryFile());
        assertThat(points).extracting(s -> s.load().label()).containsExactly("c1", "c2");
        assertThat(points).extracting(Summary::totalRequests).containsExactly(3L, 4L);
        assertThat(points).allMatch(Summary::complete);
        assertThat(RequestLogReader.read(layout.requestsFile())).hasSize(7);
        assertThat(result.out()).contains("Benchmarking summary: c1", "Benchmarking summary: c2",
                "Output token throughput (tok/s)", "Results are in " + layout.runDirectory());
    }

    @Test
    void runRecordsFlagsInRunJson() {
        CliRunner.Result result = run(quickRun("recorded", "--concurrency", "2", "--number", "2",
                "--seed", "7", "--slo", "ttft=500,tpot=50", "--header", "X-Tenant: secret-value"));

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
        RunMetadata metadata = RunMetadata.read(OutputLayout.of(folder, "recorded").runFile());
        Map<String, String> settings = metadata.settings();
        assertThat(settings).containsEntry("recorded_by", "tokenmark run")
                .containsEntry("concurrency", "2")
                .containsEntry("number", "2")
                .containsEntry("seed", "7")
                .containsEntry("profile", "fixed")
                .containsEntry("time_scale", "0.1")
                .containsEntry("input_tokens", "32")
                .containsEntry("output_tokens", "8")
                .containsEntry("slo", "ttft=500,tpot=50")
                .containsEntry("header_names", "X-Tenant");
        assertThat(settings.values()).noneMatch(value -> value.contains("secret-value"));
        assertThat(metadata.simulatorProfile()).isEqualTo("fixed");
        assertThat(metadata.tokenmarkVersion()).isNotBlank();
        assertThat(metadata.slo().toString()).isEqualTo("ttft=500,tpot=50");
    }

    @Test
    void completionsApiRunSucceeds() {
        CliRunner.Result result = run(quickRun("completions", "--api", "completions",
                "--number", "2"));

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
        assertThat(RunMetadata.read(OutputLayout.of(folder, "completions").runFile()).api())
                .isEqualTo("completions");
    }

    @Test
    void openLoopRunLabelsPointsByRate() {
        CliRunner.Result result = run(quickRun("open", "--rate", "20,inf", "--number", "3",
                "--max-concurrency", "2"));

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
        List<Summary> points = SummaryReader.readRunDirectory(folder.resolve("open"));
        assertThat(points).extracting(s -> s.load().label()).containsExactly("r20-c2", "rinf-c2");
    }

    @Test
    void durationRunEndsEachPointInTime() {
        CliRunner.Result result = run(quickRun("timed", "--concurrency", "2", "--duration",
                "300ms"));

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
        Summary point = SummaryReader.readRunDirectory(folder.resolve("timed")).get(0);
        assertThat(point.load().plannedDurationSeconds()).isEqualTo(0.3);
        assertThat(point.totalRequests()).isPositive();
    }

    @Test
    void jsonlDatasetRunSendsFilePrompts() throws IOException {
        Path dataset = Files.writeString(folder.resolve("prompts.jsonl"),
                "{\"prompt\": \"Name a colour.\", \"max_tokens\": 6}\n"
                        + "{\"messages\": [{\"role\": \"user\", \"content\": \"Say hi.\"}]}\n");

        CliRunner.Result result = run(List.of("run", "--out", folder.toString(), "--label",
                "jsonl", "--time-scale", "0.1", "--dataset", "jsonl", "--dataset-path",
                dataset.toString(), "--output-tokens", "4", "--number", "4", "--progress", "off"));

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
        RunMetadata metadata = RunMetadata.read(OutputLayout.of(folder, "jsonl").runFile());
        assertThat(metadata.settings()).containsEntry("dataset", "jsonl")
                .containsKey(RunExecution.DATASET_SHA256_KEY);
        List<RequestLogEntry> requests = RequestLogReader.read(folder.resolve("jsonl/requests.jsonl"));
        assertThat(requests).extracting(RequestLogEntry::datasetIndex).contains(0, 1);
        assertThat(requests).allMatch(RequestLogEntry::success);
    }

    @Test
    void runExitsOneWhenEveryRequestFails() throws IOException {
        int closedPort = freePort();

        CliRunner.Result result = CliRunner.run("run", "--url",
                "http://127.0.0.1:" + closedPort + "/v1", "--model", "m", "--out",
                folder.toString(), "--label", "refused", "--number", "2", "--progress", "off",
                "--input-tokens", "16", "--output-tokens", "4");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.err()).contains("every measured request failed (2 of 2",
                "connect_failed: 2", "First failure", "Check --url");
        assertThat(SummaryReader.readRunDirectory(folder.resolve("refused")).get(0)
                .failedRequests()).isEqualTo(2);
    }

    @Test
    void insecureFlagPrintsWarning() throws IOException {
        int closedPort = freePort();

        CliRunner.Result result = CliRunner.run("run", "--url",
                "https://127.0.0.1:" + closedPort + "/v1", "--model", "m", "--insecure",
                "--out", folder.toString(), "--number", "1", "--progress", "off",
                "--input-tokens", "16", "--output-tokens", "4");

        assertThat(result.err()).contains("WARNING: --insecure",
                "TLS certificate verification is off");
    }

    @Test
    void environmentApiKeyIsNeverWritten() throws IOException {
        try (Simulator server = Simulator.start(SimulatorOptions.builder()
                .profile(Profiles.fixed(Duration.ofMillis(2), Duration.ofMillis(1)))
                .requiredApiKey(CANARY_KEY).build())) {
            CliRunner.Result result = CliRunner.run(Map.of("TOKENMARK_API_KEY", CANARY_KEY),
                    StopSignals.manual(), "run", "--url", server.baseUrl().toString(), "--model",
                    server.modelName(), "--out", folder.toString(), "--label", "keyed",
                    "--number", "2", "--input-tokens", "16", "--output-tokens", "4",
                    "--progress", "plain", "--progress-interval", "10ms");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
            assertThat(result.out() + result.err()).doesNotContain(CANARY_KEY);
        }
        assertNoFileContains(folder.resolve("keyed"), CANARY_KEY);
    }

    @Test
    void apiKeyFromFileIsSent() throws IOException {
        Path keyFile = Files.writeString(folder.resolve("api.key"), CANARY_KEY + "\n");
        try (Simulator server = Simulator.start(SimulatorOptions.builder()
                .profile(Profiles.fixed(Duration.ofMillis(2), Duration.ofMillis(1)))
                .requiredApiKey(CANARY_KEY).build())) {
            CliRunner.Result result = CliRunner.run("run", "--url", server.baseUrl().toString(),
                    "--model", server.modelName(), "--api-key-file", keyFile.toString(), "--out",
                    folder.toString(), "--label", "keyfile", "--number", "2", "--input-tokens",
                    "16", "--output-tokens", "4", "--progress", "off");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
        }
        assertNoFileContains(folder.resolve("keyfile"), CANARY_KEY);
    }

    @Test
    void missingApiKeyFailsEveryRequestWithHttp401() {
        try (Simulator server = Simulator.start(SimulatorOptions.builder()
                .profile(Profiles.fixed(Duration.ofMillis(2), Duration.ofMillis(1)))
                .requiredApiKey(CANARY_KEY).build())) {
            CliRunner.Result result = CliRunner.run("run", "--url", server.baseUrl().toString(),
                    "--model", server.modelName(), "--out", folder.toString(), "--number", "2",
                    "--input-tokens", "16", "--output-tokens", "4", "--progress", "off");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
            assertThat(result.err()).contains("http_401: 2");
        }
    }

    @Test
    void resumeRejectsContradictingFlag() {
        assertThat(run(quickRun("done", "--concurrency", "1,2", "--number", "2")).exitCode())
                .isEqualTo(ExitCodes.OK);

        CliRunner.Result result = CliRunner.run("run", "--resume",
                folder.resolve("done").toString(), "--concurrency", "1,4");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("cannot resume", "--concurrency 1,4",
                "recorded: 1,2", "leave --concurrency out");
    }

    @Test
    void resumeRejectsFlagTheRunDidNotUse() {
        assertThat(run(quickRun("closed", "--number", "2")).exitCode()).isEqualTo(ExitCodes.OK);

        CliRunner.Result result = CliRunner.run("run", "--resume",
                folder.resolve("closed").toString(), "--rate", "5");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("cannot resume", "--rate 5", "recorded: not set");
    }

    @Test
    void resumeRequiresTheRecordedHeaders() {
        assertThat(run(quickRun("headers", "--number", "2", "--header", "X-Tenant: a"))
                .exitCode()).isEqualTo(ExitCodes.OK);

        CliRunner.Result result = CliRunner.run("run", "--resume",
                folder.resolve("headers").toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("the run sent the headers X-Tenant",
                "give the same --header flags again");
    }

    @Test
    void resumeOfCompleteRunRunsNothing() {
        assertThat(run(quickRun("complete", "--number", "2")).exitCode()).isEqualTo(ExitCodes.OK);

        CliRunner.Result result = CliRunner.run("run", "--resume",
                folder.resolve("complete").toString(), "--progress", "off", "--number", "2");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).contains("Point c1 is already complete",
                "nothing to run");
    }

    @Test
    void resumeOfCompleteRunSendsNoTestRequest() throws IOException {
        try (Simulator server = Simulator.start(SimulatorOptions.builder()
                .profile(Profiles.fixed(Duration.ofMillis(2), Duration.ofMillis(1))).build())) {
            CliRunner.Result first = CliRunner.run("run", "--url", server.baseUrl().toString(),
                    "--model", server.modelName(), "--out", folder.toString(), "--label", "ended",
                    "--number", "2", "--input-tokens", "16", "--output-tokens", "4",
                    "--progress", "off");
            assertThat(first.exitCode()).as(first.toString()).isEqualTo(ExitCodes.OK);
        }

        CliRunner.Result result = CliRunner.run("run", "--resume",
                folder.resolve("ended").toString(), "--progress", "off");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).contains("nothing to run");
        assertThat(result.out()).doesNotContain("Sending a test request");
        assertThat(result.err()).doesNotContain("WARNING");
    }

    @Test
    void unwritableOutIsRejectedBeforeTestRequest() throws IOException {
        Path file = Files.writeString(folder.resolve("a-file"), "x\n");
        Path out = file.resolve("results");

        CliRunner.Result result = run(List.of("run", "--out", out.toString(), "--time-scale",
                "0.1", "--number", "1", "--input-tokens", "16", "--output-tokens", "4",
                "--progress", "off"));

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("invalid --out", out.toString(),
                "give a writable folder");
        assertThat(result.out()).doesNotContain("Sending a test request");
    }

    @Test
    void finishedRunHintsUseJarLauncher() {
        CliRunner.Result result = run(quickRun("launcher", "--number", "1"));

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).contains("'java -jar tokenmark.jar compare ",
                "'java -jar tokenmark.jar report ");
    }

    @Test
    void stopThenResumeFinishesRun() throws Exception {
        StopSignals.Manual stop = StopSignals.manual();
        List<String> args = List.of("run", "--out", folder.toString(), "--label", "stopped",
                "--time-scale", "0.2", "--input-tokens", "32", "--output-tokens", "8",
                "--progress", "off", "--concurrency", "1,2", "--number", "3,100");
        Thread stopper = new Thread(() -> {
            awaitFile(folder.resolve("stopped").resolve("summary-c1.json"));
            sleep(300);
            stop.requestStop();
        });
        stopper.start();

        CliRunner.Result stopped = CliRunner.run(Map.of(), stop, args.toArray(String[]::new));
        stopper.join();

        assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(ExitCodes.INTERRUPTED);
        assertThat(stopped.out()).contains("Stopping:", "Continue the run with: java -jar"
                + " tokenmark.jar run --resume " + folder.resolve("stopped"));
        Path dir = folder.resolve("stopped");
        assertThat(SummaryReader.readRunSummary(dir.resolve("summary.json")))
                .extracting(s -> s.load().label() + ":" + s.complete())
                .containsExactly("c1:true", "c2:false");

        CliRunner.Result resumed = CliRunner.run("run", "--resume", dir.toString(), "--progress",
                "off");

        assertThat(resumed.exitCode()).as(resumed.toString()).isEqualTo(ExitCodes.OK);
        assertThat(SummaryReader.readRunSummary(dir.resolve("summary.json")))
                .extracting(s -> s.load().label() + ":" + s.complete())
                .containsExactly("c1:true", "c2:true");
        List<RequestLogEntry> requests = RequestLogReader.read(dir.resolve("requests.jsonl"));
        assertThat(requests).hasSize(103);
        assertThat(requests.stream().map(RequestLogEntry::requestId).collect(Collectors.toSet()))
                .hasSize(103);
    }

    private static void assertNoFileContains(Path dir, String secret) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                assertThat(Files.readString(file, StandardCharsets.UTF_8))
                        .as(file.toString()).doesNotContain(secret);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitFile(Path file) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            sleep(20);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
