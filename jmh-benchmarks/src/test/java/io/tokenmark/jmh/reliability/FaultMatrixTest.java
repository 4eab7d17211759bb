package io.tokenmark.jmh.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.metric.TokenCountSource;
import io.tokenmark.core.report.OutputLayout;
import io.tokenmark.core.report.RequestLogEntry;
import io.tokenmark.core.report.RequestLogReader;
import io.tokenmark.core.report.SummaryReader;
import io.tokenmark.core.run.RunOutcome;
import io.tokenmark.jmh.cli.TokenMarkCommand;
import io.tokenmark.jmh.main.MainCommand;
import io.tokenmark.netty.NettyInferenceClient;
import io.tokenmark.simulator.Simulator;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.fault.Fault;
import io.tokenmark.simulator.fault.FaultPlan;
import io.tokenmark.simulator.profile.Profiles;
import io.tokenmark.simulator.truth.RequestTruth;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fault the simulator injects, end to end: the Netty client over real sockets on
 * 127.0.0.1, driven by {@link io.tokenmark.core.run.BenchmarkRun}, checked in the files the run
 * wrote.
 *
 * <p>Each case runs 12 requests with 4 closed-loop users against a simulator whose fault plan
 * gives the case's fault to a seeded share of the requests, so faulted and clean requests are
 * in flight together. The simulator's ground truth records which request got the fault. A faulted
 * request must carry the fault's error kind, status, message and the token events that arrived
 * before the fault. A clean one must match the ground truth exactly. The summary must count the
 * failures by kind.
 */
@ExtendWith(ByteBufLeakCheck.class)
@Tag("slow")
class FaultMatrixTest {
    private static final int USERS = 4;
    private static final int REQUESTS = 12;
    private static final int MAX_TOKENS = 8;
    private static final int MAX_EVENT_BYTES = 16 * 1024;
    private static final long READ_TIMEOUT_MILLIS = 1_500;
    private static final long REQUEST_TIMEOUT_MILLIS = 4_000;
    private static final String RUN_ID = "faults";

    @TempDir
    Path out;

    /**
     * One fault and what the run must record for a request that gets it.
     *
     * @param fault the fault in the simulator's {@code X-TokenMark-Fault} syntax
     * @param errorLabel the expected {@code error} of the request line
     * @param httpStatus the expected {@code http_status}: 0 when no response arrived
     * @param keptTokenEvents the token events received before the fault, kept in the record
     * @param message a part of the expected {@code error_message}
     */
    record FaultCase(String fault, String errorLabel, int httpStatus, int keptTokenEvents,
            String message) {
        @Override
        public String toString() {
            return fault;
        }
    }

    static Stream<FaultCase> simulatorFaults() {
        return Stream.of(
                httpCase(400, "Bad Request"),
                httpCase(401, "Unauthorized"),
                httpCase(429, "Too Many Requests"),
                httpCase(500, "Internal Server Error"),
                httpCase(503, "Service Unavailable"),
                new FaultCase("error_after=0", "stream_error", 200, 0,
                        "Simulated engine failure after 0 token events"),
                new FaultCase("error_after=3", "stream_error", 200, 3,
                        "Simulated engine failure after 3 token events"),
                new FaultCase("reset_after=3", "connection_reset", 200, 3,
                        "Connection reset"),
                new FaultCase("stall_after=3", "read_timeout", 200, 3,
                        "no bytes arrived for " + READ_TIMEOUT_MILLIS + " ms"),
                new FaultCase("close_after=3", "truncated", 200, 3,
                        "the stream ended with neither a finish_reason nor [DONE]"),
                new FaultCase("malformed_after=2", "malformed_event", 200, 2,
                        "event data ends inside its JSON value"),
                new FaultCase("oversize_after=2;bytes=65536", "malformed_event", 200, 2,
                        "SSE event exceeds the limit of " + MAX_EVENT_BYTES + " bytes"),
                new FaultCase("headers_never", "read_timeout", 0, 0,
                        "no bytes arrived for " + READ_TIMEOUT_MILLIS + " ms"),
                new FaultCase("trickle=1000", "cancelled", 200, 0,
                        "total deadline of " + REQUEST_TIMEOUT_MILLIS + " ms"));
    }

    private static FaultCase httpCase(int status, String reason) {
        return new FaultCase("http_" + status, "http_" + status, status, 0,
                "HTTP " + status + ": Simulated " + reason + " injected by " + Fault.HEADER);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("simulatorFaults")
    void faultIsRecordedAndNeighboursStayCorrect(FaultCase faultCase) throws Exception {
        Fault fault = Fault.parse(faultCase.fault());
        FaultPlan plan = mixedPlan(fault);
        long expectedFailures = faultedAmongFirst(plan, REQUESTS);

        try (Simulator simulator = Simulator.start(simulatorOptions(plan));
                NettyInferenceClient client = NettyInferenceClient.create(
                        clientOptions(simulator.baseUrl()))) {
            EndToEndRun.Result run = EndToEndRun.run(client, simulator.baseUrl(), out, "faults",
                    RUN_ID, USERS, REQUESTS, MAX_TOKENS, null);

            assertThat(run.result().outcome()).isEqualTo(RunOutcome.COMPLETED);
            Summary summary = run.summary();
            assertThat(summary.complete()).isTrue();
            assertThat(summary.totalRequests()).isEqualTo(REQUESTS);
            assertThat(summary.succeededRequests()).isEqualTo(REQUESTS - expectedFailures);
            assertThat(summary.failuresByError())
                    .isEqualTo(Map.of(faultCase.errorLabel(), expectedFailures));
            assertThat(run.requests()).hasSize(REQUESTS);

            for (RequestLogEntry line : run.requests()) {
                RequestTruth truth = awaitTruth(simulator, line.requestId());
                if (truth.fault().equals(Fault.NONE.toString())) {
                    assertCleanRequest(line, truth);
                } else {
                    assertThat(truth.fault()).isEqualTo(fault.toString());
                    assertFaultedRequest(faultCase, line);
                }
            }
        }
    }

    /**
     * Faults that close connections, under a cap of two connections for four users: every
     * closed connection must be replaced for the requests waiting in the pool, so the run ends
     * with exactly the injected failures. No total deadline is set, because time spent waiting
     * for a connection counts toward it.
     */
    @Test
    void connectionCapSurvivesFaultMix() throws Exception {
        Map<String, String> kinds = Map.of(
                "http_503", "http_503",
                "error_after=2", "stream_error",
                "reset_after=2", "connection_reset",
                "stall_after=2", "read_timeout",
                "close_after=2", "truncated",
                "malformed_after=1", "malformed_event",
                "headers_never", "read_timeout");
        List<Fault> faults = kinds.keySet().stream().sorted().map(Fault::parse).toList();
        FaultPlan plan = new FaultPlan(0.5, faults, 11);
        int requests = 24;
        Map<String, Long> expected = new TreeMap<>();
        for (int arrival = 0; arrival < requests; arrival++) {
            Fault fault = plan.choose(arrival);
            if (!fault.isNone()) {
                expected.merge(kinds.get(fault.toString()), 1L, Long::sum);
            }
        }

        try (Simulator simulator = Simulator.start(simulatorOptions(plan));
                NettyInferenceClient client = NettyInferenceClient.create(
                        clientOptions(simulator.baseUrl()).toBuilder()
                                .maxConnections(2)
                                .requestTimeoutMillis(0)
                                .build())) {
            EndToEndRun.Result run = EndToEndRun.run(client, simulator.baseUrl(), out, "capped",
                    RUN_ID, USERS, requests, MAX_TOKENS, null);

            assertThat(run.result().outcome()).isEqualTo(RunOutcome.COMPLETED);
            assertThat(run.summary().totalRequests()).isEqualTo(requests);
            assertThat(expected).as("injected faults").isNotEmpty();
            assertThat(run.summary().failuresByError()).isEqualTo(expected);
            assertThat(client.openConnections()).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void connectionRefusedFailsEveryRequestWithConnectFailed() throws Exception {
        int port = closedPort();
        URI target = URI.create("http://127.0.0.1:" + port + "/v1");

        try (NettyInferenceClient client = NettyInferenceClient.create(clientOptions(target))) {
            EndToEndRun.Result run = EndToEndRun.run(client, target, out, "refused", RUN_ID,
                    USERS, REQUESTS, MAX_TOKENS, null);

            assertThat(run.result().outcome()).isEqualTo(RunOutcome.COMPLETED);
            assertThat(run.result().allRequestsFailed()).isTrue();
            assertThat(run.summary().failuresByError())
                    .isEqualTo(Map.of("connect_failed", (long) REQUESTS));
            for (RequestLogEntry line : run.requests()) {
                assertThat(line.error()).isEqualTo("connect_failed");
                assertThat(line.errorMessage())
                        .contains("connection refused by 127.0.0.1:" + port);
                assertThat(line.sendMillis()).as("send time of a request never sent").isNull();
                assertThat(line.httpStatus()).isZero();
            }
        }
    }

    @Test
    void unresolvableHostFailsEveryRequestWithConnectFailed(@TempDir Path child) throws Exception {
        // The child JVM resolves names from a hosts file that lists only localhost, so looking up
        // the reserved .invalid name fails without a DNS query leaving the host.
        String host = "inference.tokenmark.invalid";
        ChildJvm.Output output = ChildJvm.run(child, ChildRunMain.class,
                List.of(ChildJvm.loopbackHostsOption(child), "-Xmx256m"), Map.of(),
                List.of("--out", out.toString(),
                        "--target", "unresolvable=http://" + host + ":8000/v1",
                        "--users", Integer.toString(USERS),
                        "--requests", Integer.toString(REQUESTS)),
                Duration.ofSeconds(90));

        assertThat(output.exitCode()).as(output.console()).isZero();
        assertThat(output.stdout()).contains("run unresolvable COMPLETED, all requests failed: true");
        OutputLayout layout = OutputLayout.of(out, "unresolvable");
        assertThat(SummaryReader.readRunSummary(layout.runSummaryFile()).get(0).failuresByError())
                .isEqualTo(Map.of("connect_failed", (long) REQUESTS));
        List<RequestLogEntry> lines = RequestLogReader.read(layout.requestsFile());
        assertThat(lines).hasSize(REQUESTS);
        for (RequestLogEntry line : lines) {
            assertThat(line.error()).isEqualTo("connect_failed");
            assertThat(line.errorMessage()).contains("cannot resolve host name '" + host + "'");
        }
    }

    @Test
    void cliRunFailsWhenAllRequestsFail(@TempDir Path child) throws Exception {
        int port = closedPort();

        ChildJvm.Output output = ChildJvm.run(child, TokenMarkCommand.class, List.of("-Xmx512m"),
                Map.of(), List.of("run", "--url", "http://127.0.0.1:" + port + "/v1",
                        "--model", SimulatorOptions.DEFAULT_MODEL, "--concurrency", "2",
                        "--number", "6", "--input-tokens", "16", "--output-tokens", "4",
                        "--out", out.toString(), "--label", "cli", "--progress", "off"),
                Duration.ofMinutes(2));

        assertThat(output.exitCode()).as(output.console()).isEqualTo(1);
        assertThat(output.stderr()).contains("every measured request failed (6 of 6;"
                + " connect_failed: 6)");
        assertThat(output.stderr()).contains("connection refused by 127.0.0.1:" + port);
        assertThat(SummaryReader.readRunSummary(OutputLayout.of(out, "cli").runSummaryFile())
                .get(0).failuresByError()).isEqualTo(Map.of("connect_failed", 6L));
    }

    @Test
    void jmhMainCommandFailsWhenAllRequestsFail(@TempDir Path child) throws Exception {
        int port = closedPort();
        List<String> options = new ArrayList<>(ChildJvm.jmhMainCommandOptions(
                "http://127.0.0.1:" + port + "/v1", out));
        options.add("-Xmx512m");

        ChildJvm.Output output = ChildJvm.run(child, MainCommand.class,
                options, Map.of(), List.of(), Duration.ofMinutes(2));

        assertThat(output.exitCode()).as(output.console()).isEqualTo(1);
        assertThat(output.stdout()).contains("measured requests of c2 failed ({connect_failed=");
        assertThat(output.stderr()).contains("tokenmark: the benchmark failed");
        List<RequestLogEntry> lines = RequestLogReader.read(
                OutputLayout.of(out, "jmh").requestsFile());
        assertThat(lines).isNotEmpty();
        assertThat(lines).allSatisfy(line -> assertThat(line.errorMessage())
                .contains("connection refused by 127.0.0.1:" + port));
    }

    @Test
    void everyRequestFailingIsReportedAsAllFailed() throws Exception {
        FaultPlan everyRequest = new FaultPlan(1, List.of(Fault.parse("http_503")), 1);

        try (Simulator simulator = Simulator.start(simulatorOptions(everyRequest));
                NettyInferenceClient client = NettyInferenceClient.create(
                        clientOptions(simulator.baseUrl()))) {
            EndToEndRun.Result run = EndToEndRun.run(client, simulator.baseUrl(), out, "all503",
                    RUN_ID, USERS, REQUESTS, MAX_TOKENS, null);

            assertThat(run.result().outcome()).isEqualTo(RunOutcome.COMPLETED);
            assertThat(run.result().allRequestsFailed()).isTrue();
            assertThat(run.result().totalRequests()).isEqualTo(REQUESTS);
            assertThat(run.summary().failuresByError())
                    .isEqualTo(Map.of("http_503", (long) REQUESTS));
        }
    }

    private static void assertCleanRequest(RequestLogEntry line, RequestTruth truth) {
        String request = "clean request " + line.requestId();
        assertThat(line.success()).as(request).isTrue();
        assertThat(line.error()).as(request).isNull();
        assertThat(line.httpStatus()).as(request).isEqualTo(200);
        assertThat(line.finishReason()).as(request).isEqualTo("length");
        assertThat(line.tokenEvents()).as(request).isEqualTo(truth.tokenEvents());
        assertThat(line.outputTokens()).as(request).isEqualTo(truth.completionTokens());
        assertThat(line.outputTokens()).as(request).isEqualTo(MAX_TOKENS);
        assertThat(line.outputTokenSource()).as(request).isEqualTo(TokenCountSource.USAGE);
        assertThat(line.inputTokens()).as(request).isEqualTo(truth.promptTokens());
        assertThat(line.ttftMillis()).as(request).isNotNull();
        assertThat(line.tpotMillis()).as(request).isNotNull();
    }

    private static void assertFaultedRequest(FaultCase faultCase, RequestLogEntry line) {
        String request = "request " + line.requestId() + " with fault " + faultCase.fault();
        assertThat(line.success()).as(request).isFalse();
        assertThat(line.error()).as(request).isEqualTo(faultCase.errorLabel());
        assertThat(line.errorMessage()).as(request).contains(faultCase.message());
        assertThat(line.httpStatus()).as(request).isEqualTo(faultCase.httpStatus());
        assertThat(line.tokenEvents()).as(request).isEqualTo(faultCase.keptTokenEvents());
    }

    /**
     * Returns a plan that gives {@code fault} to between a quarter and a half of the first
     * {@value #REQUESTS} arrivals, so that every run mixes faulted and clean requests.
     */
    private static FaultPlan mixedPlan(Fault fault) {
        for (long seed = 1; seed < 1_000; seed++) {
            FaultPlan plan = new FaultPlan(0.35, List.of(fault), seed);
            long faulted = faultedAmongFirst(plan, REQUESTS);
            if (faulted >= REQUESTS / 4 && faulted <= REQUESTS / 2) {
                return plan;
            }
        }
        throw new AssertionError("no seed below 1000 mixes faulted and clean requests");
    }

    private static long faultedAmongFirst(FaultPlan plan, int arrivals) {
        long faulted = 0;
        for (int i = 0; i < arrivals; i++) {
            if (!plan.choose(i).isNone()) {
                faulted++;
            }
        }
        return faulted;
    }

    private static SimulatorOptions simulatorOptions(FaultPlan plan) {
        return SimulatorOptions.builder()
                .profile(Profiles.fixed(Duration.ofMillis(50), Duration.ofMillis(10)))
                .faultPlan(plan)
                .build();
    }

    private static ClientOptions clientOptions(URI target) {
        return ClientOptions.builder(target)
                .model(SimulatorOptions.DEFAULT_MODEL)
                .ioThreads(2)
                .connectTimeoutMillis(2_000)
                .readTimeoutMillis(READ_TIMEOUT_MILLIS)
                .requestTimeoutMillis(REQUEST_TIMEOUT_MILLIS)
                .maxEventBytes(MAX_EVENT_BYTES)
                .build();
    }

    private static RequestTruth awaitTruth(Simulator simulator, long requestId)
            throws InterruptedException {
        String header = EndToEndRun.headerRequestId(RUN_ID, requestId);
        return simulator.groundTruth().await(header, Duration.ofSeconds(10))
                .orElseThrow(() -> new AssertionError("the simulator has no ground truth for "
                        + header));
    }

    /** Returns a loopback port that nothing listens on. */
    static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
