package io.tokenmark.simulator.server;

import static io.tokenmark.simulator.SimulatorTestSupport.CHAT;
import static io.tokenmark.simulator.SimulatorTestSupport.chatBody;
import static io.tokenmark.simulator.SimulatorTestSupport.streamingChat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tokenmark.simulator.RawHttpConnection;
import io.tokenmark.simulator.Simulator;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.engine.BatchingProfile;
import io.tokenmark.simulator.profile.Profiles;
import io.tokenmark.simulator.profile.PublishedMeasurement;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Real-time timing over sockets: the fixed profile's configured latencies, the engine model's
 * load effects, and a reduced-time-scale run of one calibration row.
 *
 * <p>Latencies are measured the way TokenMark defines them: from the request's write to the
 * read that completed a token event. On a loaded machine single reads can be late; the
 * tolerances are those the project requires and apply to means.
 */
class TimingTest {
    private static final double MS = 1e6;

    /**
     * TTFT, TPOT and the end of one streamed response with one token per event. Token events
     * are found by a string match, not by parsing JSON, so that a closed-loop client sends its
     * next request without a pause.
     */
    private record Measured(double ttftNanos, double tpotNanos, int tokens, long sendNanos,
            long endNanos) {
        static Measured of(RawHttpConnection.Response response) {
            long first = -1;
            long last = -1;
            int tokens = 0;
            for (RawHttpConnection.Event event : response.events) {
                if (event.data().contains("\"delta\":{\"content\":\"")
                        && !event.data().contains("\"role\"")) {
                    if (first < 0) {
                        first = event.arrivalNanos();
                    }
                    last = event.arrivalNanos();
                    tokens++;
                }
            }
            double tpot = tokens > 1 ? (double) (last - first) / (tokens - 1) : Double.NaN;
            return new Measured(first - response.sendNanos, tpot, tokens, response.sendNanos,
                    response.endNanos);
        }
    }

    /**
     * Five requests at concurrency 1 after one warm-up. A loaded machine can wake the server's or
     * the reading thread more than the allowed 2 ms late, so a measurement outside the tolerance
     * runs again, at most three times in all. A real bias fails every attempt.
     */
    @Test
    void fixedProfileMatchesConfiguredTtftAndTpot() throws IOException {
        SimulatorOptions options = SimulatorOptions.builder()
                .profile(Profiles.fixed(Duration.ofMillis(50), Duration.ofMillis(10)))
                .build();
        for (int attempt = 1; ; attempt++) {
            List<Measured> measured = new ArrayList<>();
            try (Simulator simulator = Simulator.start(options);
                    RawHttpConnection connection = new RawHttpConnection(simulator.port())) {
                for (int i = 0; i < 6; i++) {
                    connection.send("POST", CHAT, Map.of(), streamingChat(20));
                    RawHttpConnection.Response response = connection.readResponse(5000);
                    if (i > 0) {
                        measured.add(Measured.of(response));
                    }
                }
            }

            double meanTtftMs = measured.stream().mapToDouble(Measured::ttftNanos).average()
                    .orElseThrow() / MS;
            double meanTpotMs = measured.stream().mapToDouble(Measured::tpotNanos).average()
                    .orElseThrow() / MS;
            boolean within = Math.abs(meanTtftMs - 50) <= 2.0 && Math.abs(meanTpotMs - 10) <= 0.5;
            if (within || attempt == 3) {
                assertThat(meanTtftMs).as("mean TTFT (ms)").isCloseTo(50, within(2.0));
                assertThat(meanTpotMs).as("mean TPOT (ms)").isCloseTo(10, within(0.5));
                return;
            }
        }
    }

    @Test
    void queueingRaisesTtftOverSockets() throws Exception {
        // Two sequences at a time, 30 ms prefill steps, 5 ms decode steps, 40 tokens each.
        BatchingProfile profile = BatchingProfile.builder("queue")
                .maxRunningSequences(2)
                .maxBatchedTokens(4096)
                .stepBaseNanos(5 * MS)
                .prefillBaseNanos(25 * MS)
                .build();
        try (Simulator simulator = Simulator.start(SimulatorOptions.builder()
                .profile(profile).build())) {
            double alone = meanTtft(runConcurrently(simulator.port(), 1, 1, 40));
            double crowded = meanTtft(runConcurrently(simulator.port(), 6, 6, 40));

            // Four of six wait for one or two earlier pairs of 40 steps (about 260 ms each).
            assertThat(crowded).isGreaterThan(alone + 100 * MS);
        }
    }

    @Test
    void batchSizeRaisesTpotOverSockets() throws Exception {
        BatchingProfile profile = BatchingProfile.builder("batch")
                .maxRunningSequences(64)
                .maxBatchedTokens(4096)
                .stepBaseNanos(2 * MS)
                .perDecodeSequenceNanos(0.5 * MS)
                .build();
        try (Simulator simulator = Simulator.start(SimulatorOptions.builder()
                .profile(profile).build())) {
            double alone = meanTpot(runConcurrently(simulator.port(), 1, 1, 60));
            double batched = meanTpot(runConcurrently(simulator.port(), 16, 16, 60));

            // 2.5 ms per step alone, 2 + 16 × 0.5 = 10 ms with 16 streams.
            assertThat(alone / MS).isCloseTo(2.5, within(0.5));
            assertThat(batched / MS).isCloseTo(10, within(1.5));
        }
    }

    @Test
    void calibrationRowHoldsAtReducedTimeScale() throws Exception {
        double timeScale = 0.1;
        PublishedMeasurement row = PublishedMeasurement.TP4PP2.get(1);
        List<Measured> measured;
        try (Simulator simulator = Simulator.start(SimulatorOptions.builder()
                .profile(Profiles.tp4pp2()).timeScale(timeScale).build())) {
            // Warm-up: compiles the server's and the client's hot paths before measuring.
            runConcurrently(simulator.port(), row.concurrency(), row.concurrency(), 64);
            measured = runConcurrently(simulator.port(), row.concurrency(), row.requests(),
                    PublishedMeasurement.OUTPUT_TOKENS);
        }

        long firstSend = measured.stream().mapToLong(Measured::sendNanos).min().orElseThrow();
        long lastEnd = measured.stream().mapToLong(Measured::endNanos).max().orElseThrow();
        double seconds = (lastEnd - firstSend) / 1e9 / timeScale;
        double throughput = measured.stream().mapToInt(Measured::tokens).sum() / seconds;
        double ttft = meanTtft(measured) / 1e9 / timeScale;

        double tpot = meanTpot(measured) / 1e9 / timeScale;

        assertThat(ttft).as("mean TTFT (s)")
                .isCloseTo(row.meanTtftSeconds(), within(0.15 * row.meanTtftSeconds()));
        assertThat(tpot).as("mean TPOT (s)")
                .isCloseTo(row.meanTpotSeconds(), within(0.15 * row.meanTpotSeconds()));
        assertThat(throughput).as("output tok/s")
                .isCloseTo(row.outputTokensPerSecond(), within(0.15 * row.outputTokensPerSecond()));
    }

    /**
     * Runs a closed loop: {@code concurrency} clients on their own connections send requests
     * until {@code requests} have been sent. Prompts are about 1,078 tokens by the simulator's
     * approximate count, varied over the published 1,062 to 1,094.
     */
    private static List<Measured> runConcurrently(int port, int concurrency, int requests,
            int outputTokens) throws Exception {
        AtomicInteger next = new AtomicInteger();
        // All clients send their first request together, as a benchmark's first wave does.
        CyclicBarrier start = new CyclicBarrier(concurrency);
        ExecutorService clients = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<List<Measured>>> futures = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                futures.add(clients.submit(() -> {
                    List<Measured> results = new ArrayList<>();
                    try (RawHttpConnection connection = new RawHttpConnection(port)) {
                        start.await();
                        int index;
                        while ((index = next.getAndIncrement()) < requests) {
                            int promptTokens = PublishedMeasurement.MIN_INPUT_TOKENS
                                    + (index * 7) % 33;
                            // 4 characters per token, plus 8 tokens of chat template.
                            String prompt = "word".repeat(promptTokens - 8);
                            connection.send("POST", CHAT, Map.of(), chatBody(prompt, Map.of(
                                    "stream", true, "max_tokens", outputTokens,
                                    "ignore_eos", true,
                                    "stream_options", Map.of("include_usage", true))));
                            results.add(Measured.of(connection.readResponse(30_000)));
                        }
                    }
                    return results;
                }));
            }
            List<Measured> all = new ArrayList<>();
            for (Future<List<Measured>> future : futures) {
                all.addAll(future.get());
            }
            return all;
        } finally {
            clients.shutdownNow();
        }
    }

    private static double meanTtft(List<Measured> measured) {
        return measured.stream().mapToDouble(Measured::ttftNanos).average().orElseThrow();
    }

    private static double meanTpot(List<Measured> measured) {
        return measured.stream().mapToDouble(Measured::tpotNanos).average().orElseThrow();
    }
}
