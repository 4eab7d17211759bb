package io.tokenmark.jmh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.core.report.OutputLayout;
import io.tokenmark.core.report.RunMetadata;
import io.tokenmark.core.report.SummaryReader;
import io.tokenmark.jmh.testing.CliRunner;
import io.tokenmark.simulator.Simulator;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.profile.Profiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tokenmark run --resume} of a run that sent an API key, against a simulator on 127.0.0.1
 * that requires the key: {@code run.json} records where the key came from (never the key), and
 * the hint printed after a stop names the key file. A resume stops before it can replace the cut
 * point's results with 401 failures when it has no key, when the server rejects its key, or when
 * {@code --no-test-request} leaves the key unchecked.
 */
@Timeout(120)
class ResumeApiKeyTest {
    private static final String CANARY_KEY = "sk-tokenmark-canary-5150";

    @TempDir
    Path folder;

    private Path keyFile;

    @BeforeEach
    void writeKeyFile() throws IOException {
        keyFile = Files.writeString(folder.resolve("api.key"), CANARY_KEY + "\n");
    }

    private static Simulator keyedSimulator() {
        return Simulator.start(SimulatorOptions.builder()
                .profile(Profiles.fixed(Duration.ofMillis(2), Duration.ofMillis(1)))
                .requiredApiKey(CANARY_KEY).build());
    }

    /** Returns the arguments of a short run against {@code server}, with more flags appended. */
    private List<String> keyedRun(Simulator server, String label, String... more) {
        List<String> args = new ArrayList<>(List.of("run", "--url", server.baseUrl().toString(),
                "--model", server.modelName(), "--out", folder.toString(), "--label", label,
                "--input-tokens", "16", "--output-tokens", "4", "--progress", "off"));
        args.addAll(List.of(more));
        return args;
    }

    /**
     * Runs c1 to the end and stops during c2, whose 400 requests take about a second, and
     * returns what the stopped command printed.
     */
    private CliRunner.Result stoppedKeyedRun(Simulator server, String label) throws Exception {
        StopSignals.Manual stop = StopSignals.manual();
        Path c1Summary = folder.resolve(label).resolve("summary-c1.json");
        Thread stopper = new Thread(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(c1Summary) && System.nanoTime() < deadline) {
                pause(20);
            }
            pause(200);
            stop.requestStop();
        });
        stopper.start();
        List<String> args = keyedRun(server, label, "--api-key-file", keyFile.toString(),
                "--concurrency", "1,2", "--number", "3,400", "--stop-grace", "0");
        CliRunner.Result stopped = CliRunner.run(Map.of(), stop, args.toArray(String[]::new));
        stopper.join();
        assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(ExitCodes.INTERRUPTED);
        return stopped;
    }

    @Test
    void runJsonRecordsKeyFileNotKey() throws IOException {
        try (Simulator server = keyedSimulator()) {
            CliRunner.Result result = CliRunner.run(keyedRun(server, "recorded", "--api-key-file",
                    keyFile.toString(), "--number", "2").toArray(String[]::new));

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
        }
        Path runFile = OutputLayout.of(folder, "recorded").runFile();
        assertThat(RunMetadata.read(runFile).settings()).containsEntry(
                RunExecution.API_KEY_SOURCE_KEY, "file:" + keyFile.toAbsolutePath().normalize());
        assertThat(Files.readString(runFile, StandardCharsets.UTF_8)).doesNotContain(CANARY_KEY);
    }

    @Test
    void runJsonRecordsKeyVariableNotKey() throws IOException {
        try (Simulator server = keyedSimulator()) {
            CliRunner.Result result = CliRunner.run(Map.of("OPENAI_API_KEY", CANARY_KEY),
                    StopSignals.manual(),
                    keyedRun(server, "variable", "--number", "2").toArray(String[]::new));

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
        }
        Path runFile = OutputLayout.of(folder, "variable").runFile();
        assertThat(RunMetadata.read(runFile).settings())
                .containsEntry(RunExecution.API_KEY_SOURCE_KEY, "env:OPENAI_API_KEY");
        assertThat(Files.readString(runFile, StandardCharsets.UTF_8)).doesNotContain(CANARY_KEY);
    }

    @Test
    void stopHintNamesKeyFileAndLauncher() throws Exception {
        try (Simulator server = keyedSimulator()) {
            CliRunner.Result stopped = stoppedKeyedRun(server, "hint");

            assertThat(stopped.out()).contains("Continue the run with: java -jar tokenmark.jar"
                    + " run --resume " + folder.resolve("hint") + " --api-key-file "
                    + keyFile.toAbsolutePath().normalize());
            assertThat(stopped.out() + stopped.err()).doesNotContain(CANARY_KEY);
        }
    }

    @Test
    void resumeWithoutKeyFileIsRejected() throws Exception {
        try (Simulator server = keyedSimulator()) {
            stoppedKeyedRun(server, "nokey");
            Path dir = folder.resolve("nokey");
            String summaryBefore = Files.readString(dir.resolve("summary.json"));

            CliRunner.Result resumed = CliRunner.run("run", "--resume", dir.toString(),
                    "--progress", "off");

            assertThat(resumed.exitCode()).as(resumed.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(resumed.err()).contains("cannot resume " + dir,
                    "--api-key-file " + keyFile.toAbsolutePath().normalize(),
                    "Add --api-key-file");
            assertThat(resumed.out()).doesNotContain("Sending a test request");
            assertThat(Files.readString(dir.resolve("summary.json"))).isEqualTo(summaryBefore);
        }
    }

    @Test
    void resumeWithoutKeyVariableIsRejected() throws IOException {
        try (Simulator server = keyedSimulator()) {
            CliRunner.Result first = CliRunner.run(Map.of("TOKENMARK_API_KEY", CANARY_KEY),
                    StopSignals.manual(),
                    keyedRun(server, "envkey", "--number", "2").toArray(String[]::new));
            assertThat(first.exitCode()).as(first.toString()).isEqualTo(ExitCodes.OK);
        }

        CliRunner.Result resumed = CliRunner.run("run", "--resume",
                folder.resolve("envkey").toString(), "--progress", "off");

        assertThat(resumed.exitCode()).as(resumed.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(resumed.err()).contains("cannot resume", "environment variable"
                + " TOKENMARK_API_KEY", "Set TOKENMARK_API_KEY");
    }

    @Test
    void resumeWithRejectedKeyKeepsCutPoint() throws Exception {
        Path wrongKey = Files.writeString(folder.resolve("wrong.key"), "sk-wrong\n");
        try (Simulator server = keyedSimulator()) {
            stoppedKeyedRun(server, "wrongkey");
            Path dir = folder.resolve("wrongkey");
            String requestsBefore = Files.readString(dir.resolve("requests.jsonl"));

            CliRunner.Result resumed = CliRunner.run("run", "--resume", dir.toString(),
                    "--api-key-file", wrongKey.toString(), "--progress", "off");

            assertThat(resumed.exitCode()).as(resumed.toString()).isEqualTo(ExitCodes.FAILED);
            assertThat(resumed.err()).contains("http_401", "rejects the API key",
                    "the run started with the key from --api-key-file "
                            + keyFile.toAbsolutePath().normalize());
            assertThat(SummaryReader.readRunSummary(dir.resolve("summary.json")))
                    .extracting(s -> s.load().label() + ":" + s.complete())
                    .containsExactly("c1:true", "c2:false");
            assertThat(Files.readString(dir.resolve("requests.jsonl"))).isEqualTo(requestsBefore);
        }
    }

    @Test
    void resumeWithoutTestRequestIsRejected() throws Exception {
        Path wrongKey = Files.writeString(folder.resolve("wrong.key"), "sk-wrong\n");
        try (Simulator server = keyedSimulator()) {
            stoppedKeyedRun(server, "untested");
            Path dir = folder.resolve("untested");
            String requestsBefore = Files.readString(dir.resolve("requests.jsonl"));
            String summaryBefore = Files.readString(dir.resolve("summary.json"));

            CliRunner.Result resumed = CliRunner.run("run", "--resume", dir.toString(),
                    "--api-key-file", wrongKey.toString(), "--no-test-request",
                    "--progress", "off");

            assertThat(resumed.exitCode()).as(resumed.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(resumed.err()).contains("cannot resume " + dir + " with --no-test-request",
                    "--api-key-file " + keyFile.toAbsolutePath().normalize(),
                    "Drop --no-test-request");
            assertThat(Files.readString(dir.resolve("requests.jsonl"))).isEqualTo(requestsBefore);
            assertThat(Files.readString(dir.resolve("summary.json"))).isEqualTo(summaryBefore);
        }
    }

    @Test
    void resumeWithKeyFileFinishesRun() throws Exception {
        try (Simulator server = keyedSimulator()) {
            stoppedKeyedRun(server, "withkey");
            Path dir = folder.resolve("withkey");

            CliRunner.Result resumed = CliRunner.run("run", "--resume", dir.toString(),
                    "--api-key-file", keyFile.toString(), "--progress", "off");

            assertThat(resumed.exitCode()).as(resumed.toString()).isEqualTo(ExitCodes.OK);
            assertThat(SummaryReader.readRunSummary(dir.resolve("summary.json")))
                    .extracting(s -> s.load().label() + ":" + s.complete() + ":"
                            + s.failedRequests())
                    .containsExactly("c1:true:0", "c2:true:0");
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
