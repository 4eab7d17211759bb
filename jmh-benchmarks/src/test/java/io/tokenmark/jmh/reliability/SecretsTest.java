package io.tokenmark.jmh.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmark.core.client.ApiKey;
import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.core.client.ErrorKind;
import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.report.OutputLayout;
import io.tokenmark.core.metric.RequestRecorder;
import io.tokenmark.core.workload.RequestSpec;
import io.tokenmark.jmh.cli.TokenMarkCommand;
import io.tokenmark.jmh.main.MainCommand;
import io.tokenmark.netty.NettyInferenceClient;
import io.tokenmark.simulator.Simulator;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.fault.Fault;
import io.tokenmark.simulator.fault.FaultPlan;
import io.tokenmark.simulator.profile.Profiles;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * API keys stay out of everything TokenMark shows or writes. Each test uses a fresh canary key,
 * a random value that can only appear in output by leaking.
 */
@ExtendWith(ByteBufLeakCheck.class)
@Tag("slow")
class SecretsTest {
    private final String canary = "sk-canary-" + UUID.randomUUID().toString().replace("-", "");

    @TempDir
    Path folder;

    /**
     * Runs benchmarks through {@link io.tokenmark.core.run.BenchmarkRun} in a child JVM, with the
     * key from {@code TOKENMARK_API_KEY}, against a server that accepts the key, one that
     * rejects it, one that resets streams, one that quotes the key in its 401 body, a closed
     * port, a host name that cannot resolve and a TLS server with a self-signed certificate. The
     * child logs at DEBUG level. Then no console line and no file of any run may contain the key.
     * The key file is covered through the command line in {@link #cliRunAndReportKeepKeyOut}.
     */
    @Test
    void keyAppearsInNoOutput() throws Exception {
        Path out = folder.resolve("out");
        SSLContext tls = SelfSignedTls.serverContext(Files.createDirectories(folder.resolve("tls")));
        SimulatorOptions fixed = SimulatorOptions.builder()
                .profile(Profiles.fixed(Duration.ofMillis(5), Duration.ofMillis(1))).build();

        try (Simulator accepting = Simulator.start(fixed.toBuilder()
                        .requiredApiKey(canary).build());
                Simulator rejecting = Simulator.start(fixed.toBuilder()
                        .requiredApiKey("sk-another-key").build());
                Simulator resetting = Simulator.start(fixed.toBuilder().requiredApiKey(canary)
                        .faultPlan(new FaultPlan(0.5, List.of(Fault.parse("reset_after=2")), 3))
                        .build());
                ScriptedHttpServer quoting = ScriptedHttpServer.start(
                        (connection, request, output) -> {
                            writeJson(output, "401 Unauthorized", "{\"error\":{\"message\":"
                                    + "\"Incorrect API key provided: "
                                    + request.header("Authorization") + "\"}}");
                            return true;
                        });
                ScriptedHttpServer selfSigned = ScriptedHttpServer.start(
                        tls.getServerSocketFactory(), (connection, request, output) -> {
                            ScriptedHttpServer.writeCompleteStream(output, 4);
                            return true;
                        })) {
            List<String> arguments = new ArrayList<>(List.of("--out", out.toString(),
                    "--target", "accepted=" + accepting.baseUrl(),
                    "--target", "rejected=" + rejecting.baseUrl(),
                    "--target", "reset=" + resetting.baseUrl(),
                    "--target", "quoted=" + quoting.baseUrl(false),
                    "--target", "refused=http://127.0.0.1:" + FaultMatrixTest.closedPort() + "/v1",
                    "--target", "unresolvable=http://inference.tokenmark.invalid:8000/v1",
                    "--target", "selfsigned=" + selfSigned.baseUrl(true),
                    "--requests", "6"));
            Map<String, String> environment = Map.of(ApiKey.ENV_PRIMARY, canary);
            arguments.addAll(List.of("--key", "env"));

            ChildJvm.Output output = ChildJvm.run(folder.resolve("child"), ChildRunMain.class,
                    List.of(ChildJvm.loopbackHostsOption(folder), "-Xmx256m",
                            "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug"),
                    environment, arguments, Duration.ofMinutes(2));

            assertThat(output.exitCode()).as(output.console()).isZero();
            assertThat(output.console()).as("console output").doesNotContain(canary);
            assertThat(output.stderr()).as("DEBUG log lines were captured").contains("DEBUG");
            assertThat(output.stdout()).contains("run accepted COMPLETED, all requests failed: false");
            assertThat(quoting.requests().get(0).header("Authorization"))
                    .as("the key the quoting server received").isEqualTo("Bearer " + canary);
        }

        for (String label : List.of("accepted", "rejected", "reset", "quoted", "refused",
                "unresolvable", "selfsigned")) {
            OutputLayout layout = OutputLayout.of(out, label);
            assertThat(layout.runFile()).isRegularFile();
            assertThat(layout.runSummaryFile()).isRegularFile();
            assertThat(layout.requestsFile()).isRegularFile();
        }
        assertNoFileContainsCanary(out, 21);
        assertThat(Files.readString(OutputLayout.of(out, "quoted").requestsFile()))
                .contains("Bearer [redacted]");
    }

    /**
     * Runs {@code tokenmark run} in child JVMs logging at DEBUG level, with the canary key from
     * {@code TOKENMARK_API_KEY} or from {@code --api-key-file}: against a simulator that requires
     * the key, a server that quotes it in its 401 body (every request fails, exit status 1),
     * and, with the key from the environment, a self-signed TLS server with {@code --insecure}
     * and a closed port. Then {@code tokenmark report} writes the HTML report of every run. No
     * console line and no file, the report included, may contain the key.
     */
    @ParameterizedTest(name = "key from {0}")
    @ValueSource(strings = {"env", "file"})
    void cliRunAndReportKeepKeyOut(String keySource) throws Exception {
        Path out = folder.resolve("results");
        Map<String, String> environment = Map.of();
        List<String> keyArguments = List.of();
        if (keySource.equals("env")) {
            environment = Map.of(ApiKey.ENV_PRIMARY, canary);
        } else {
            Path keyFile = folder.resolve("api-key");
            Files.writeString(keyFile, canary + "\n", StandardCharsets.UTF_8);
            keyArguments = List.of("--api-key-file", keyFile.toString());
        }
        SSLContext tls = SelfSignedTls.serverContext(Files.createDirectories(folder.resolve("tls")));
        List<ChildJvm.Output> outputs = new ArrayList<>();
        List<String> labels = new ArrayList<>();

        try (Simulator accepting = Simulator.start(SimulatorOptions.builder()
                        .profile(Profiles.fixed(Duration.ofMillis(5), Duration.ofMillis(1)))
                        .requiredApiKey(canary).build());
                ScriptedHttpServer quoting = ScriptedHttpServer.start(
                        (connection, request, output) -> {
                            writeJson(output, "401 Unauthorized", "{\"error\":{\"message\":"
                                    + "\"Incorrect API key provided: "
                                    + request.header("Authorization") + "\"}}");
                            return true;
                        });
                ScriptedHttpServer selfSigned = ScriptedHttpServer.start(
                        tls.getServerSocketFactory(), (connection, request, output) -> {
                            ScriptedHttpServer.writeCompleteStream(output, 4);
                            return true;
                        })) {
            Map<String, List<String>> targets = new LinkedHashMap<>();
            targets.put("accepted", List.of("--url", accepting.baseUrl().toString()));
            targets.put("quoted", List.of("--url", quoting.baseUrl(false).toString()));
            if (keySource.equals("env")) {
                targets.put("selfsigned", List.of("--url", selfSigned.baseUrl(true).toString(),
                        "--insecure"));
                targets.put("refused", List.of("--url",
                        "http://127.0.0.1:" + FaultMatrixTest.closedPort() + "/v1"));
            }
            for (Map.Entry<String, List<String>> target : targets.entrySet()) {
                List<String> arguments = new ArrayList<>(List.of("run"));
                arguments.addAll(target.getValue());
                arguments.addAll(List.of("--model", SimulatorOptions.DEFAULT_MODEL,
                        "--concurrency", "2", "--number", "4", "--input-tokens", "16",
                        "--output-tokens", "4", "--out", out.toString(),
                        "--label", target.getKey(), "--progress", "plain"));
                arguments.addAll(keyArguments);
                ChildJvm.Output output = runCli(environment, arguments);
                outputs.add(output);
                labels.add(out.resolve(target.getKey()).toString());
                int expectedExit = target.getKey().equals("accepted")
                        || target.getKey().equals("selfsigned") ? 0 : 1;
                assertThat(output.exitCode()).as(target.getKey() + ": " + output.console())
                        .isEqualTo(expectedExit);
            }
            assertThat(quoting.requests().get(0).header("Authorization"))
                    .isEqualTo("Bearer " + canary);
        }
        List<String> report = new ArrayList<>(List.of("report"));
        report.addAll(labels);
        report.addAll(List.of("--output", out.resolve("report.html").toString()));
        ChildJvm.Output reportOutput = runCli(Map.of(), report);
        outputs.add(reportOutput);

        assertThat(reportOutput.exitCode()).as(reportOutput.console()).isZero();
        assertThat(out.resolve("report.html")).isRegularFile();
        for (ChildJvm.Output output : outputs) {
            assertThat(output.console()).as("console output").doesNotContain(canary);
        }
        assertThat(outputs.get(0).stderr()).as("DEBUG log lines of a run")
                .contains("DEBUG ConnectionPool - opened connection");
        assertNoFileContainsCanary(out, 4 * labels.size() + 1);
    }

    /**
     * Runs {@code tokenmark} in a child JVM logging at DEBUG level with the canary key put where
     * a key does not belong: after an unknown option ({@code --api-key KEY} or
     * {@code --api-key=KEY}) and in the query string of {@code --url}. The command must exit
     * with status 2 without printing the key or writing a file.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"run --api-key KEY", "run --api-key=KEY", "simulate --api-key KEY",
        "run --url http://127.0.0.1:9/v1?api_key=KEY", "run --url http://127.0.0.1:9/v1?key=KEY",
        "run --url http://127.0.0.1:9/v1?token=KEY&x=1"})
    void misplacedKeyIsNeverPrinted(String command) throws Exception {
        Path out = folder.resolve("results");
        List<String> arguments = new ArrayList<>();
        for (String argument : command.split(" ")) {
            arguments.add(argument.replace("KEY", canary));
        }
        if (arguments.get(0).equals("run")) {
            arguments.addAll(List.of("--model", "m", "--out", out.toString()));
        }

        ChildJvm.Output output = runCli(Map.of(), arguments);

        assertThat(output.exitCode()).as(output.console()).isEqualTo(2);
        assertThat(output.console()).as("console output").doesNotContain(canary);
        assertThat(output.console()).contains("***");
        assertThat(out).doesNotExist();
    }

    private ChildJvm.Output runCli(Map<String, String> environment, List<String> arguments)
            throws Exception {
        // The command line quiets TokenMark's own loggers unless these properties are set.
        return ChildJvm.run(folder.resolve("child"), TokenMarkCommand.class,
                List.of("-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug",
                        "-Dorg.slf4j.simpleLogger.log.io.tokenmark.core=debug",
                        "-Dorg.slf4j.simpleLogger.log.io.tokenmark.netty=debug",
                        "-Dorg.slf4j.simpleLogger.log.io.tokenmark.jmh=debug"),
                environment, arguments, Duration.ofMinutes(2));
    }

    /**
     * Runs the JMH main command in a child JVM with the canary key in {@code TOKENMARK_API_KEY},
     * logging at DEBUG level, against a simulator that requires the key and against a server
     * that quotes it in its 401 body (where every request fails and the command exits with 1).
     * No console line and no file may contain the key.
     */
    @Test
    void jmhMainCommandKeepsKeyOutOfOutput() throws Exception {
        Path out = folder.resolve("out");
        try (Simulator accepting = Simulator.start(SimulatorOptions.builder()
                        .profile(Profiles.fixed(Duration.ofMillis(5), Duration.ofMillis(1)))
                        .requiredApiKey(canary).build());
                ScriptedHttpServer quoting = ScriptedHttpServer.start(
                        (connection, request, output) -> {
                            writeJson(output, "401 Unauthorized", "{\"error\":{\"message\":"
                                    + "\"Incorrect API key provided: "
                                    + request.header("Authorization") + "\"}}");
                            return true;
                        })) {
            ChildJvm.Output accepted = runMainCommand(accepting.baseUrl().toString(),
                    out.resolve("accepted"));
            ChildJvm.Output rejected = runMainCommand(quoting.baseUrl(false).toString(),
                    out.resolve("rejected"));

            assertThat(accepted.exitCode()).as(accepted.console()).isZero();
            assertThat(accepted.stdout()).contains("API key from the environment");
            assertThat(rejected.exitCode()).as(rejected.console()).isEqualTo(1);
            assertThat(rejected.stdout()).contains("failed ({http_401=");
            assertThat(quoting.requests().get(0).header("Authorization"))
                    .isEqualTo("Bearer " + canary);
            for (ChildJvm.Output output : List.of(accepted, rejected)) {
                assertThat(output.console()).as("console output").doesNotContain(canary);
                assertThat(output.stderr()).as("DEBUG log lines").contains("DEBUG");
            }
        }
        assertNoFileContainsCanary(out, 8);
    }

    private ChildJvm.Output runMainCommand(String url, Path out) throws Exception {
        List<String> options = new ArrayList<>(ChildJvm.jmhMainCommandOptions(url, out));
        options.add("-Xmx512m");
        options.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=debug");
        return ChildJvm.run(folder.resolve("child"), MainCommand.class, options,
                Map.of(ApiKey.ENV_PRIMARY, canary), List.of(), Duration.ofMinutes(2));
    }

    /** Fails if any file below {@code out} contains the canary; expects at least {@code min}. */
    private void assertNoFileContainsCanary(Path out, int min) throws Exception {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(out)) {
            files = walk.filter(Files::isRegularFile).collect(Collectors.toList());
        }
        assertThat(files).as("files written").hasSizeGreaterThanOrEqualTo(min);
        for (Path file : files) {
            assertThat(Files.readString(file, StandardCharsets.UTF_8)).as(file.toString())
                    .doesNotContain(canary);
        }
    }

    @Test
    void httpErrorQuotingKeyIsRedacted() throws Exception {
        // Some servers and proxies quote the credentials they reject in the error body.
        try (ScriptedHttpServer server = ScriptedHttpServer.start((connection, request, output) -> {
            String body = "{\"error\":{\"message\":\"Incorrect API key provided: "
                    + request.header("Authorization") + "\",\"type\":\"authentication_error\"}}";
            writeJson(output, "401 Unauthorized", body);
            return true;
        })) {
            RequestRecord record = sendOne(server);

            assertThat(record.error()).isEqualTo(ErrorKind.HTTP);
            assertThat(record.httpStatus()).isEqualTo(401);
            assertThat(record.errorMessage()).doesNotContain(canary);
            assertThat(record.errorMessage())
                    .isEqualTo("HTTP 401: Incorrect API key provided: Bearer [redacted]");
            assertThat(record.errorBody()).doesNotContain(canary);
            assertThat(record.errorBody()).contains("Bearer [redacted]");
        }
    }

    @Test
    void streamErrorQuotingKeyIsRedacted() throws Exception {
        try (ScriptedHttpServer server = ScriptedHttpServer.start((connection, request, output) -> {
            ScriptedHttpServer.writeHead(output, "200 OK", "Content-Type: text/event-stream",
                    "Transfer-Encoding: chunked");
            ScriptedHttpServer.writeChunk(output, ScriptedHttpServer.chatEvent("Hi", null));
            ScriptedHttpServer.writeChunk(output, "data: {\"error\":{\"message\":\"key "
                    + request.header("Authorization").substring("Bearer ".length())
                    + " was revoked\"}}\n\n");
            ScriptedHttpServer.writeChunk(output, "data: [DONE]\n\n");
            ScriptedHttpServer.writeLastChunk(output);
            return true;
        })) {
            RequestRecord record = sendOne(server);

            assertThat(record.error()).isEqualTo(ErrorKind.STREAM_ERROR);
            assertThat(record.errorMessage()).doesNotContain(canary);
            assertThat(record.errorMessage()).isEqualTo("key [redacted] was revoked");
        }
    }

    @Test
    void keyFileErrorsNeverQuoteContent() throws Exception {
        Path twoLines = folder.resolve("two-lines");
        Files.writeString(twoLines, canary + "\n" + canary + "\n", StandardCharsets.UTF_8);
        Path empty = folder.resolve("empty");
        Files.writeString(empty, "\n", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> ApiKey.fromFile(twoLines))
                .hasMessageContaining("line break")
                .hasMessageNotContaining(canary);
        assertThatThrownBy(() -> ApiKey.fromFile(empty)).hasMessageContaining("is empty");
        assertThatThrownBy(() -> ApiKey.fromFile(folder.resolve("missing")))
                .hasMessageContaining("cannot read API key file");
        assertThatThrownBy(() -> ApiKey.of(canary + "\r\nX-Injected: 1"))
                .hasMessageNotContaining(canary);
    }

    @Test
    void descriptionsNeverShowKey() throws Exception {
        ApiKey key = ApiKey.of(canary);
        ClientOptions options = ClientOptions.builder(java.net.URI.create("http://127.0.0.1:9/v1"))
                .apiKey(key).ioThreads(1).build();

        assertThat(key.toString()).doesNotContain(canary);
        assertThat(options.toString()).doesNotContain(canary);
        assertThat(options.toString()).contains("apiKey=redacted");
        try (NettyInferenceClient client = NettyInferenceClient.create(options)) {
            assertThat(client.toString()).doesNotContain(canary);
        }
    }

    private RequestRecord sendOne(ScriptedHttpServer server) throws Exception {
        ClientOptions options = ClientOptions.builder(server.baseUrl(false))
                .apiKey(ApiKey.of(canary)).ioThreads(1).build();
        RequestSpec spec = RequestSpec.ofUserMessage("Hi", 4);
        CompletableFuture<RequestRecord> done = new CompletableFuture<>();
        try (NettyInferenceClient client = NettyInferenceClient.create(options)) {
            long now = System.nanoTime();
            client.send("secret-0", spec, new RequestRecorder(0, false, spec, now, now,
                    done::complete));
            RequestRecord record = done.get(10, TimeUnit.SECONDS);
            assertThat(server.requests().get(0).header("Authorization"))
                    .as("the key the server received").isEqualTo("Bearer " + canary);
            return record;
        }
    }

    private static void writeJson(OutputStream output, String status, String body)
            throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ScriptedHttpServer.writeHead(output, status, "Content-Type: application/json",
                "Content-Length: " + bytes.length);
        output.write(bytes);
        output.flush();
    }
}
