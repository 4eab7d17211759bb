package io.tokenmark.simulator.server;

import static io.tokenmark.simulator.SimulatorTestSupport.CHAT;
import static io.tokenmark.simulator.SimulatorTestSupport.chatBody;
import static io.tokenmark.simulator.SimulatorTestSupport.parse;
import static io.tokenmark.simulator.SimulatorTestSupport.quickOptions;
import static io.tokenmark.simulator.SimulatorTestSupport.streamingChat;
import static io.tokenmark.simulator.SimulatorTestSupport.tokenEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenmark.simulator.RawHttpConnection;
import io.tokenmark.simulator.RawHttpConnection.Ending;
import io.tokenmark.simulator.Simulator;
import io.tokenmark.simulator.fault.Fault;
import io.tokenmark.simulator.fault.FaultPlan;
import io.tokenmark.simulator.truth.RequestTruth;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every injectable fault, chosen by header or by share, over a real socket. */
class FaultInjectionTest {
    private static final String STREAM_10 = streamingChat(10);

    private static Simulator simulator;
    private static int port;

    @BeforeAll
    static void start() {
        simulator = Simulator.start(quickOptions().build());
        port = simulator.port();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    private static RawHttpConnection.Response withFault(String fault, String body,
            int readTimeoutMillis) throws IOException {
        return RawHttpConnection.exchange(port, "POST", CHAT,
                Map.of(Fault.HEADER, fault, "X-Request-Id", "fault-" + fault), body,
                readTimeoutMillis);
    }

    private static boolean hasFinishReason(RawHttpConnection.Response response) {
        for (RawHttpConnection.Event event : response.events) {
            if (!event.isDone()) {
                JsonNode choices = parse(event.data()).path("choices");
                if (!choices.isEmpty() && !choices.get(0).path("finish_reason").isNull()) {
                    return true;
                }
            }
        }
        return false;
    }

    @ParameterizedTest(name = "http_{0}")
    @ValueSource(ints = {400, 401, 429, 500, 503})
    void httpStatusFaultReturnsStatusWithOpenAiErrorBody(int status) throws IOException {
        RawHttpConnection.Response response = withFault("http_" + status, STREAM_10, 5000);
        JsonNode error = parse(response.bodyText()).path("error");

        assertThat(response.status).isEqualTo(status);
        assertThat(error.path("message").asText()).contains("http_" + status);
        assertThat(error.path("type").asText()).isNotEmpty();
        assertThat(error.has("code")).isTrue();
        assertThat(response.header("retry-after"))
                .isEqualTo(status == 429 || status == 503 ? "1" : null);
    }

    @Test
    void errorBeforeTokensSendsErrorEventThenDone() throws IOException {
        RawHttpConnection.Response response = withFault("error_after=0", STREAM_10, 5000);

        assertThat(tokenEvents(response)).isEmpty();
        RawHttpConnection.Event error = response.events.get(response.events.size() - 2);
        assertThat(parse(error.data()).path("error").path("message").asText())
                .contains("after 0 token events");
        assertThat(response.events.get(response.events.size() - 1).isDone()).isTrue();
    }

    @Test
    void errorAfterTokensFollowsThemInBand() throws IOException {
        RawHttpConnection.Response response = withFault("error_after=4", STREAM_10, 5000);

        assertThat(tokenEvents(response)).hasSize(4);
        assertThat(parse(response.events.get(response.events.size() - 2).data()).has("error"))
                .isTrue();
        assertThat(hasFinishReason(response)).isFalse();
    }

    @Test
    void errorAfterLastTokenReplacesUsageAndDone() throws IOException {
        RawHttpConnection.Response response = withFault("error_after=50", STREAM_10, 5000);

        assertThat(tokenEvents(response)).hasSize(10);
        assertThat(parse(response.events.get(response.events.size() - 2).data()).has("error"))
                .isTrue();
    }

    @Test
    void resetAfterTokensResetsConnection() throws IOException {
        RawHttpConnection.Response response = withFault("reset_after=3", STREAM_10, 5000);

        assertThat(response.ending).isEqualTo(Ending.RESET);
        assertThat(tokenEvents(response)).hasSize(3);
    }

    @Test
    void stallAfterTokensSendsNothingMore() throws IOException {
        RawHttpConnection.Response response = withFault("stall_after=2", STREAM_10, 400);

        assertThat(response.ending).isEqualTo(Ending.TIMEOUT);
        assertThat(tokenEvents(response)).hasSize(2);
        assertThat(response.endNanos - response.readNanos.get(response.readNanos.size() - 1))
                .isGreaterThanOrEqualTo(Duration.ofMillis(350).toNanos());
    }

    @Test
    void closeFaultOmitsFinishReasonAndDone() throws IOException {
        RawHttpConnection.Response response = withFault("close_after=3", STREAM_10, 5000);

        assertThat(response.ending).isIn(Ending.COMPLETE, Ending.EOF);
        assertThat(tokenEvents(response)).hasSize(3);
        assertThat(response.events).noneMatch(RawHttpConnection.Event::isDone);
        assertThat(hasFinishReason(response)).isFalse();
    }

    @Test
    void malformedFaultSendsOneInvalidEvent() throws IOException {
        RawHttpConnection.Response response = withFault("malformed_after=2", STREAM_10, 5000);

        List<String> invalid = new ArrayList<>();
        for (RawHttpConnection.Event event : response.events) {
            if (!event.isDone()) {
                try {
                    parse(event.data());
                } catch (RuntimeException e) {
                    invalid.add(event.data());
                }
            }
        }
        assertThat(invalid).hasSize(1);
        assertThat(response.events.get(response.events.size() - 1).isDone()).isTrue();
    }

    @Test
    void oversizeEventHasRequestedSize() throws IOException {
        RawHttpConnection.Response response =
                withFault("oversize_after=1;bytes=200000", STREAM_10, 5000);

        int largest = response.events.stream().mapToInt(e -> e.data().length()).max().orElse(0);
        assertThat(largest).isBetween(199_000, 200_100);
        assertThat(response.events.get(response.events.size() - 1).isDone()).isTrue();
    }

    @Test
    void headersNeverComeLeavesClientWaiting() throws IOException {
        RawHttpConnection.Response response = withFault("headers_never", STREAM_10, 400);

        assertThat(response.ending).isEqualTo(Ending.TIMEOUT);
        assertThat(response.headersNanos).isEqualTo(-1);
        assertThat(response.body.size()).isZero();
    }

    @Test
    void slowHeadersDelayTheResponse() throws IOException {
        RawHttpConnection.Response response = withFault("slow_headers=300", STREAM_10, 5000);

        assertThat(response.status).isEqualTo(200);
        assertThat(response.headersNanos - response.sendNanos)
                .isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
        assertThat(tokenEvents(response)).hasSize(10);
    }

    @Test
    void trickleSendsOneByteAtATime() throws IOException {
        RawHttpConnection.Response response = withFault("trickle=2", streamingChat(1), 5000);

        assertThat(response.header("connection")).isEqualTo("close");
        assertThat(response.ending).isEqualTo(Ending.EOF);
        assertThat(response.events.get(response.events.size() - 1).isDone()).isTrue();
        // One read per byte, about 2 ms apart; scheduling on a busy machine may merge a few.
        int bodyBytes = response.body.size();
        assertThat(response.readNanos.size()).isGreaterThan(bodyBytes / 2);
        long span = response.readNanos.get(response.readNanos.size() - 1)
                - response.readNanos.get(1);
        assertThat(span).isGreaterThanOrEqualTo(Duration.ofMillis(2L * (bodyBytes - 2)).toNanos());
    }

    @Test
    void defaultTrickleIsOneBytePerSecond() throws IOException {
        try (RawHttpConnection connection = new RawHttpConnection(port)) {
            connection.send("POST", CHAT, Map.of(Fault.HEADER, "trickle"), STREAM_10);
            RawHttpConnection.Response response = connection.readResponse(1500, 1500);

            // One byte at once, one a second later, and the one that arrives past the deadline.
            assertThat(response.ending).isEqualTo(Ending.DEADLINE);
            assertThat(response.body.size()).isEqualTo(3);
            List<Long> reads = response.readNanos;
            for (int i = reads.size() - 2; i < reads.size(); i++) {
                assertThat(reads.get(i) - reads.get(i - 1)).isBetween(
                        Duration.ofMillis(900).toNanos(), Duration.ofMillis(1300).toNanos());
            }
        }
    }

    @Test
    void nonStreamedErrorFaultReturns500() throws IOException {
        RawHttpConnection.Response response = withFault("error_after=2",
                chatBody("Hi", Map.of("max_tokens", 5)), 5000);

        assertThat(response.status).isEqualTo(500);
        assertThat(parse(response.bodyText()).path("error").path("message").asText())
                .contains("after 2 token events");
    }

    @Test
    void nonStreamedMalformedFaultCutsBody() throws IOException {
        RawHttpConnection.Response response = withFault("malformed_after=0",
                chatBody("Hi", Map.of("max_tokens", 5)), 5000);

        assertThat(response.status).isEqualTo(200);
        assertThatThrownBy(() -> parse(response.bodyText())).isInstanceOf(RuntimeException.class);
    }

    @Test
    void invalidFaultHeaderIsRejected() throws IOException {
        RawHttpConnection.Response response = withFault("explode", STREAM_10, 5000);

        assertThat(response.status).isEqualTo(400);
        assertThat(parse(response.bodyText()).path("error").path("message").asText())
                .contains("unknown fault 'explode'");
    }

    @Test
    void faultedRequestLeavesConcurrentStreamIntact() throws Exception {
        CompletableFuture<RawHttpConnection.Response> healthy = CompletableFuture.supplyAsync(() -> {
            try {
                return RawHttpConnection.post(port, CHAT, streamingChat(40), Map.of());
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        RawHttpConnection.Response reset = withFault("reset_after=2", streamingChat(40), 5000);

        assertThat(reset.ending).isEqualTo(Ending.RESET);
        RawHttpConnection.Response response = healthy.get();
        assertThat(response.ending).isEqualTo(Ending.COMPLETE);
        assertThat(tokenEvents(response)).hasSize(40);
    }

    @Test
    void faultShareInjectsSeededFaults() throws IOException {
        FaultPlan plan = new FaultPlan(0.5, List.of(Fault.parse("http_503")), 11);
        List<Integer> first = statuses(plan, 20);
        List<Integer> second = statuses(plan, 20);

        assertThat(first).isEqualTo(second);
        assertThat(first).contains(200, 503);
        assertThat(first.stream().filter(s -> s == 503).count()).isBetween(4L, 16L);
    }

    @Test
    void noneHeaderOverridesFaultShare() throws IOException {
        FaultPlan always = new FaultPlan(1, List.of(Fault.parse("http_500")), 0);
        try (Simulator faulty = Simulator.start(quickOptions().faultPlan(always).build())) {
            RawHttpConnection.Response planned =
                    RawHttpConnection.post(faulty.port(), CHAT, STREAM_10, Map.of());
            RawHttpConnection.Response exempt = RawHttpConnection.post(faulty.port(), CHAT,
                    STREAM_10, Map.of(Fault.HEADER, "none"));

            assertThat(planned.status).isEqualTo(500);
            assertThat(exempt.status).isEqualTo(200);
        }
    }

    @Test
    void faultIsRecordedInGroundTruth() throws Exception {
        withFault("reset_after=3", STREAM_10, 5000);

        RequestTruth truth = simulator.groundTruth()
                .await("fault-reset_after=3", Duration.ofSeconds(5)).orElseThrow();
        assertThat(truth.outcome()).isEqualTo(RequestTruth.Outcome.FAULT_INJECTED);
        assertThat(truth.fault()).isEqualTo("reset_after=3");
        assertThat(truth.tokenEvents()).isEqualTo(3);
    }

    private static List<Integer> statuses(FaultPlan plan, int requests) throws IOException {
        List<Integer> statuses = new ArrayList<>();
        try (Simulator faulty = Simulator.start(quickOptions().faultPlan(plan).build())) {
            for (int i = 0; i < requests; i++) {
                statuses.add(RawHttpConnection.post(faulty.port(), CHAT,
                        chatBody("Hi", Map.of("max_tokens", 1)), Map.of()).status);
            }
        }
        return statuses;
    }
}
