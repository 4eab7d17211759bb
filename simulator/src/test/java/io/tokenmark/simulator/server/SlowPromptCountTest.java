package io.tokenmark.simulator.server;

import static io.tokenmark.simulator.SimulatorTestSupport.chatBody;
import static io.tokenmark.simulator.SimulatorTestSupport.jsonEvents;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenmark.core.workload.ChatMessage;
import io.tokenmark.simulator.RawHttpConnection;
import io.tokenmark.simulator.Simulator;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.openai.PromptTokenCounter;
import io.tokenmark.simulator.profile.Profiles;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A slow prompt counter runs off the event loop: a stream in progress keeps its pace while
 * another connection's prompt is counted, and the counted request is then served with its count.
 */
class SlowPromptCountTest {
    private static final long COUNT_MILLIS = 300;
    private static final String SLOW_PROMPT = "count me slowly";

    /** Takes {@link #COUNT_MILLIS} for {@link #SLOW_PROMPT} and no time for anything else. */
    private static final class SleepingCounter implements PromptTokenCounter {
        @Override
        public int countChat(List<ChatMessage> messages) {
            if (messages.get(0).content().equals(SLOW_PROMPT)) {
                sleep();
                return 777;
            }
            return 11;
        }

        @Override
        public int countPrompt(String prompt) {
            return 11;
        }

        @Override
        public boolean slow() {
            return true;
        }

        private static void sleep() {
            try {
                TimeUnit.MILLISECONDS.sleep(COUNT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void slowCountLeavesOtherStreamsOnPace() throws Exception {
        SimulatorOptions options = SimulatorOptions.builder()
                .profile(Profiles.fixed(Duration.ofMillis(5), Duration.ofMillis(10)))
                .promptTokenCounter(new SleepingCounter())
                .build();
        try (Simulator simulator = Simulator.start(options);
                RawHttpConnection streaming = new RawHttpConnection(simulator.port());
                RawHttpConnection counted = new RawHttpConnection(simulator.port())) {
            // 80 tokens 10 ms apart: the stream runs for about 0.8 s, across the slow count.
            streaming.send("POST", "/v1/chat/completions", Map.of(), chatBody("Hello there",
                    Map.of("stream", true, "max_tokens", 80, "ignore_eos", true)));
            CompletableFuture<RawHttpConnection.Response> stream =
                    CompletableFuture.supplyAsync(() -> read(streaming));
            TimeUnit.MILLISECONDS.sleep(150);
            counted.send("POST", "/v1/chat/completions", Map.of(), chatBody(SLOW_PROMPT,
                    Map.of("stream", true, "max_tokens", 3,
                            "stream_options", Map.of("include_usage", true))));
            RawHttpConnection.Response slow = counted.readResponse(5000);

            List<RawHttpConnection.Event> events = stream.get(10, TimeUnit.SECONDS).events;
            long largestGap = 0;
            for (int i = 1; i < events.size(); i++) {
                largestGap = Math.max(largestGap,
                        events.get(i).arrivalNanos() - events.get(i - 1).arrivalNanos());
            }
            assertThat(events).hasSizeGreaterThan(80);
            assertThat(TimeUnit.NANOSECONDS.toMillis(largestGap)).as("largest gap (ms)")
                    .isLessThan(COUNT_MILLIS / 2);

            assertThat(slow.status).isEqualTo(200);
            List<JsonNode> chunks = jsonEvents(slow);
            JsonNode usage = chunks.get(chunks.size() - 1).get("usage");
            assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(777);
        }
    }

    private static RawHttpConnection.Response read(RawHttpConnection connection) {
        try {
            return connection.readResponse(5000);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
