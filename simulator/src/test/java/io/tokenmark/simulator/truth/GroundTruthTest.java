package io.tokenmark.simulator.truth;

import static io.tokenmark.simulator.SimulatorTestSupport.CHAT;
import static io.tokenmark.simulator.SimulatorTestSupport.quickOptions;
import static io.tokenmark.simulator.SimulatorTestSupport.streamingChat;
import static io.tokenmark.simulator.SimulatorTestSupport.tokenEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmark.simulator.RawHttpConnection;
import io.tokenmark.simulator.Simulator;
import io.tokenmark.simulator.SimulatorTestSupport;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ground-truth times: recorded per token event, retrievable by request id, bounded. */
class GroundTruthTest {
    /** How far a busy 2-core machine may delay either side's time stamp. */
    private static final long LOADED_MACHINE_NOISE_NANOS = 20_000_000;

    private static RequestTruth truth(long... eventNanos) {
        return new RequestTruth("r", "c", 0, 1, eventNanos.length, eventNanos,
                new int[eventNanos.length], RequestTruth.Outcome.COMPLETED, "none", 0);
    }

    private static RequestTruth named(String id) {
        return new RequestTruth(id, id, 0, 1, 0, new long[0], new int[0],
                RequestTruth.Outcome.COMPLETED, "none", 0);
    }

    @Test
    void streamTruthMatchesWhatClientReceived() throws Exception {
        try (Simulator simulator = Simulator.start(quickOptions().build())) {
            // A warm-up request, so that neither side runs cold code while stamping.
            RawHttpConnection.post(simulator.port(), CHAT, streamingChat(12), Map.of());
            RawHttpConnection.Response response = RawHttpConnection.post(simulator.port(), CHAT,
                    streamingChat(12), Map.of("X-Request-Id", "truth-1"));
            RequestTruth truth = simulator.groundTruth()
                    .await("truth-1", Duration.ofSeconds(5)).orElseThrow();
            List<RawHttpConnection.Event> tokens = tokenEvents(response);

            assertThat(truth.outcome()).isEqualTo(RequestTruth.Outcome.COMPLETED);
            assertThat(truth.completionId()).startsWith("chatcmpl-");
            assertThat(truth.tokenEvents()).isEqualTo(tokens.size()).isEqualTo(12);
            assertThat(truth.completionTokens()).isEqualTo(12);
            assertThat(truth.receivedNanos()).isGreaterThanOrEqualTo(response.sendNanos);
            double gapSum = 0;
            for (int i = 0; i < tokens.size(); i++) {
                // The stamp follows the flush, so a client on another core can read the bytes
                // first. The two agree to within scheduling noise.
                long gap = tokens.get(i).arrivalNanos() - truth.tokenEventNanos(i);
                assertThat(gap).isBetween(-LOADED_MACHINE_NOISE_NANOS, LOADED_MACHINE_NOISE_NANOS);
                gapSum += Math.abs(gap);
                if (i > 0) {
                    assertThat(truth.tokenEventNanos(i)).isGreaterThan(truth.tokenEventNanos(i - 1));
                }
            }
            assertThat(gapSum / tokens.size()).isLessThan(5_000_000);
            // The fixed profile's 5 ms TTFT, plus whatever a cold JIT and a busy machine add.
            assertThat(truth.ttftNanos()).isBetween(4_500_000L, 200_000_000L);
        }
    }

    @Test
    void truthIsKeyedByCompletionIdWithoutHeader() throws Exception {
        try (Simulator simulator = Simulator.start(quickOptions().build())) {
            RawHttpConnection.Response response = RawHttpConnection.post(simulator.port(), CHAT,
                    streamingChat(3), Map.of());
            String id = SimulatorTestSupport.jsonEvents(response).get(0).path("id").asText();

            RequestTruth truth = simulator.groundTruth().await(id, Duration.ofSeconds(5))
                    .orElseThrow();
            assertThat(truth.requestId()).isEqualTo(id);
            assertThat(truth.tokenEvents()).isEqualTo(3);
        }
    }

    @Test
    void nonStreamedResponseIsOneEvent() throws Exception {
        try (Simulator simulator = Simulator.start(quickOptions().build())) {
            RawHttpConnection.Response response = RawHttpConnection.post(simulator.port(), CHAT,
                    SimulatorTestSupport.chatBody("Hi", Map.of("max_tokens", 6)),
                    Map.of("X-Request-Id", "whole"));
            RequestTruth truth = simulator.groundTruth().await("whole", Duration.ofSeconds(5))
                    .orElseThrow();

            assertThat(truth.tokenEvents()).isEqualTo(1);
            assertThat(truth.tokensPerEvent()).containsExactly(6);
            assertThat(truth.tokenEventNanos(0)).isBetween(truth.receivedNanos(),
                    response.endNanos + LOADED_MACHINE_NOISE_NANOS);
        }
    }

    @Test
    void clientDisconnectIsRecorded() throws Exception {
        try (Simulator simulator = Simulator.start(quickOptions().build());
                RawHttpConnection connection = new RawHttpConnection(simulator.port())) {
            connection.send("POST", CHAT, Map.of("X-Request-Id", "leaver"), streamingChat(5000));
            connection.readResponse(200, 100);
            connection.close();

            RequestTruth truth = simulator.groundTruth().await("leaver", Duration.ofSeconds(5))
                    .orElseThrow();
            assertThat(truth.outcome()).isEqualTo(RequestTruth.Outcome.CLIENT_CLOSED);
            assertThat(truth.tokenEvents()).isBetween(1, 4999);
        }
    }

    @Test
    void rejectedRequestIsRecorded() throws Exception {
        try (Simulator simulator = Simulator.start(quickOptions().build())) {
            RawHttpConnection.post(simulator.port(), CHAT, "{}", Map.of("X-Request-Id", "bad"));

            RequestTruth truth = simulator.groundTruth().await("bad", Duration.ofSeconds(5))
                    .orElseThrow();
            assertThat(truth.outcome()).isEqualTo(RequestTruth.Outcome.REJECTED);
            assertThat(truth.tokenEvents()).isZero();
        }
    }

    @Test
    void storeEvictsOldestBeyondCapacity() {
        GroundTruth store = new GroundTruth(3);
        for (String id : new String[] {"a", "b", "c", "d", "e"}) {
            store.publish(named(id));
        }

        assertThat(store.size()).isEqualTo(3);
        assertThat(store.publishedCount()).isEqualTo(5);
        assertThat(store.get("a")).isEmpty();
        assertThat(store.get("b")).isEmpty();
        assertThat(store.get("c")).isPresent();
        assertThat(store.get("e")).isPresent();
    }

    @Test
    void zeroCapacityKeepsNothing() {
        GroundTruth store = new GroundTruth(0);
        store.publish(named("a"));

        assertThat(store.get("a")).isEmpty();
        assertThat(store.publishedCount()).isEqualTo(1);
    }

    @Test
    void awaitReturnsEmptyAfterTimeout() throws InterruptedException {
        GroundTruth store = new GroundTruth(4);

        assertThat(store.await("missing", Duration.ofMillis(50))).isEmpty();
    }

    @Test
    void negativeCapacityIsRejected() {
        assertThatThrownBy(() -> new GroundTruth(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void truthCopiesItsArrays() {
        long[] times = {1, 2, 3};
        RequestTruth truth = truth(times);
        times[0] = 99;

        assertThat(truth.tokenEventNanos()).containsExactly(1, 2, 3);
        assertThat(truth.ttftNanos()).isEqualTo(1);
    }
}
