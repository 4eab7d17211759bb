package io.tokenmark.simulator.server;

import static io.tokenmark.simulator.SimulatorTestSupport.CHAT;
import static io.tokenmark.simulator.SimulatorTestSupport.COMPLETIONS;
import static io.tokenmark.simulator.SimulatorTestSupport.chatBody;
import static io.tokenmark.simulator.SimulatorTestSupport.completionsBody;
import static io.tokenmark.simulator.SimulatorTestSupport.jsonEvents;
import static io.tokenmark.simulator.SimulatorTestSupport.parse;
import static io.tokenmark.simulator.SimulatorTestSupport.quickOptions;
import static io.tokenmark.simulator.SimulatorTestSupport.tokenEvents;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenmark.simulator.RawHttpConnection;
import io.tokenmark.simulator.Simulator;
import io.tokenmark.simulator.SimulatorOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shape of streamed responses and every stream option, over a real socket. */
class StreamingTest {
    private static RawHttpConnection.Response stream(SimulatorOptions options, String path,
            String body) throws IOException {
        try (Simulator simulator = Simulator.start(options)) {
            return RawHttpConnection.post(simulator.port(), path, body, Map.of());
        }
    }

    private static Map<String, Object> streamFields(Object... pairs) {
        Map<String, Object> fields = new HashMap<>();
        fields.put("stream", true);
        for (int i = 0; i < pairs.length; i += 2) {
            fields.put((String) pairs[i], pairs[i + 1]);
        }
        return fields;
    }

    /** Concatenates a delta field over every chunk. */
    private static String joined(List<JsonNode> events, String field) {
        StringBuilder text = new StringBuilder();
        for (JsonNode event : events) {
            JsonNode choices = event.path("choices");
            if (!choices.isEmpty()) {
                text.append(choices.get(0).path("delta").path(field).asText(""));
            }
        }
        return text.toString();
    }

    private static int completionTokens(RawHttpConnection.Response response) {
        List<JsonNode> events = jsonEvents(response);
        return events.get(events.size() - 1).path("usage").path("completion_tokens").asInt();
    }

    @Test
    void chatStreamHasRoleTokensUsageAndDone() throws IOException {
        RawHttpConnection.Response response = stream(quickOptions().build(), CHAT,
                chatBody("Hi", streamFields("max_tokens", 5,
                        "stream_options", Map.of("include_usage", true))));
        List<JsonNode> events = jsonEvents(response);

        assertThat(response.status).isEqualTo(200);
        assertThat(response.header("content-type")).isEqualTo("text/event-stream; charset=utf-8");
        assertThat(response.header("transfer-encoding")).isEqualTo("chunked");
        assertThat(events).hasSize(7);
        for (JsonNode event : events) {
            assertThat(event.path("id").asText()).startsWith("chatcmpl-");
            assertThat(event.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(event.path("created").asLong()).isPositive();
            assertThat(event.path("model").asText()).isEqualTo(SimulatorOptions.DEFAULT_MODEL);
        }
        JsonNode role = events.get(0).path("choices").get(0);
        assertThat(role.path("delta").path("role").asText()).isEqualTo("assistant");
        assertThat(role.path("delta").path("content").asText()).isEmpty();
        for (int i = 1; i <= 5; i++) {
            JsonNode choice = events.get(i).path("choices").get(0);
            assertThat(choice.path("delta").path("content").asText()).isNotEmpty();
            assertThat(choice.path("finish_reason").isNull()).isEqualTo(i < 5);
        }
        assertThat(events.get(5).path("choices").get(0).path("finish_reason").asText())
                .isEqualTo("length");
        JsonNode usage = events.get(6);
        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.path("usage").path("completion_tokens").asInt()).isEqualTo(5);
        assertThat(usage.path("usage").path("total_tokens").asInt())
                .isEqualTo(5 + usage.path("usage").path("prompt_tokens").asInt());
        assertThat(response.events.get(response.events.size() - 1).isDone()).isTrue();
        assertThat(response.ending).isEqualTo(RawHttpConnection.Ending.COMPLETE);
    }

    @Test
    void streamWithoutIncludeUsageHasNoUsageChunk() throws IOException {
        RawHttpConnection.Response response = stream(quickOptions().build(), CHAT,
                chatBody("Hi", streamFields("max_tokens", 3)));

        for (JsonNode event : jsonEvents(response)) {
            assertThat(event.has("usage")).isFalse();
            assertThat(event.path("choices")).isNotEmpty();
        }
    }

    @Test
    void continuousUsageIsCumulativeInEveryChunk() throws IOException {
        RawHttpConnection.Response response = stream(quickOptions().build(), CHAT,
                chatBody("Hi", streamFields("max_tokens", 4, "stream_options",
                        Map.of("include_usage", true, "continuous_usage_stats", true))));
        List<JsonNode> events = jsonEvents(response);

        List<Integer> cumulative = new ArrayList<>();
        for (JsonNode event : events) {
            assertThat(event.has("usage")).isTrue();
            cumulative.add(event.path("usage").path("completion_tokens").asInt());
        }
        // Role chunk, four tokens, then the final usage chunk.
        assertThat(cumulative).containsExactly(0, 1, 2, 3, 4, 4);
    }

    @Test
    void completionsStreamHasTextChunksWithoutRole() throws IOException {
        RawHttpConnection.Response response = stream(quickOptions().build(), COMPLETIONS,
                completionsBody("Once", streamFields("max_tokens", 3,
                        "stream_options", Map.of("include_usage", true))));
        List<JsonNode> events = jsonEvents(response);

        assertThat(events).hasSize(4);
        for (int i = 0; i < 3; i++) {
            assertThat(events.get(i).path("object").asText()).isEqualTo("text_completion");
            assertThat(events.get(i).path("choices").get(0).path("text").asText()).isNotEmpty();
        }
        assertThat(events.get(2).path("choices").get(0).path("finish_reason").asText())
                .isEqualTo("length");
        assertThat(events.get(3).path("choices")).isEmpty();
    }

    @Test
    void reasoningContentComesBeforeContent() throws IOException {
        RawHttpConnection.Response response = stream(quickOptions().reasoningShare(0.3).build(),
                CHAT, chatBody("Why?", streamFields("max_tokens", 10)));

        List<Boolean> reasoningFlags = new ArrayList<>();
        for (RawHttpConnection.Event event : tokenEvents(response)) {
            JsonNode delta = parse(event.data()).path("choices").get(0).path("delta");
            reasoningFlags.add(delta.has("reasoning_content"));
            assertThat(delta.has("reasoning_content") && delta.has("content")).isFalse();
        }
        // ceil(0.3 × 10) = 3 reasoning tokens, then 7 content tokens.
        assertThat(reasoningFlags).containsExactly(true, true, true, false, false, false, false,
                false, false, false);
    }

    @Test
    void severalTokensPerChunkAfterTheFirst() throws IOException {
        RawHttpConnection.Response response = stream(quickOptions().tokensPerChunk(3).build(),
                CHAT, chatBody("Hi", streamFields("max_tokens", 8, "stream_options",
                        Map.of("include_usage", true, "continuous_usage_stats", true))));

        List<Integer> cumulative = new ArrayList<>();
        for (RawHttpConnection.Event event : tokenEvents(response)) {
            cumulative.add(parse(event.data()).path("usage").path("completion_tokens").asInt());
        }
        assertThat(cumulative).containsExactly(1, 4, 7, 8);
    }

    @Test
    void naturalEndStopsBeforeMaxTokens() throws IOException {
        RawHttpConnection.Response response = stream(quickOptions().answerTokens(5).build(), CHAT,
                chatBody("Hi", streamFields("max_tokens", 20,
                        "stream_options", Map.of("include_usage", true))));
        List<RawHttpConnection.Event> tokens = tokenEvents(response);

        assertThat(tokens).hasSize(5);
        assertThat(parse(tokens.get(4).data()).path("choices").get(0).path("finish_reason")
                .asText()).isEqualTo("stop");
        assertThat(completionTokens(response)).isEqualTo(5);
    }

    @Test
    void minTokensExtendsPastNaturalEnd() throws IOException {
        RawHttpConnection.Response response = stream(quickOptions().answerTokens(5).build(), CHAT,
                chatBody("Hi", streamFields("max_tokens", 20, "min_tokens", 12)));

        assertThat(tokenEvents(response)).hasSize(12);
    }

    @Test
    void ignoreEosGivesExactlyMaxTokens() throws IOException {
        RawHttpConnection.Response response = stream(quickOptions().answerTokens(5).build(), CHAT,
                chatBody("Hi", streamFields("max_tokens", 30, "ignore_eos", true)));
        List<RawHttpConnection.Event> tokens = tokenEvents(response);

        assertThat(tokens).hasSize(30);
        assertThat(parse(tokens.get(29).data()).path("choices").get(0).path("finish_reason")
                .asText()).isEqualTo("length");
    }

    @Test
    void answerSpreadVariesLengthWithinBounds() throws IOException {
        List<Integer> lengths = new ArrayList<>();
        try (Simulator simulator = Simulator.start(
                quickOptions().answerTokens(20).answerSpread(0.5).build())) {
            for (int seed = 0; seed < 8; seed++) {
                RawHttpConnection.Response response = RawHttpConnection.post(simulator.port(),
                        CHAT, chatBody("Hi", streamFields("seed", seed)), Map.of());
                lengths.add(tokenEvents(response).size());
            }
        }

        assertThat(lengths).allSatisfy(length -> assertThat(length).isBetween(10, 30));
        assertThat(lengths.stream().distinct().count()).isGreaterThan(2);
    }

    @Test
    void textIsDeterministicForSeed() throws IOException {
        List<String> texts = new ArrayList<>();
        try (Simulator simulator = Simulator.start(quickOptions().build())) {
            for (int seed : new int[] {7, 7, 8}) {
                RawHttpConnection.Response response = RawHttpConnection.post(simulator.port(),
                        CHAT, chatBody("Hi", streamFields("max_tokens", 12, "seed", seed)),
                        Map.of());
                texts.add(joined(jsonEvents(response), "content"));
            }
        }

        assertThat(texts.get(0)).isNotEmpty().isEqualTo(texts.get(1));
        assertThat(texts.get(2)).isNotEqualTo(texts.get(0));
    }

    @Test
    void streamedTextMatchesNonStreamedTextForSeed() throws IOException {
        try (Simulator simulator = Simulator.start(quickOptions().reasoningShare(0.5).build())) {
            RawHttpConnection.Response streamed = RawHttpConnection.post(simulator.port(), CHAT,
                    chatBody("Hi", streamFields("max_tokens", 9, "seed", 3)), Map.of());
            RawHttpConnection.Response whole = RawHttpConnection.post(simulator.port(), CHAT,
                    chatBody("Hi", Map.of("max_tokens", 9, "seed", 3)), Map.of());
            JsonNode message = parse(whole.bodyText()).path("choices").get(0).path("message");

            assertThat(joined(jsonEvents(streamed), "reasoning_content"))
                    .isEqualTo(message.path("reasoning_content").asText());
            assertThat(joined(jsonEvents(streamed), "content"))
                    .isEqualTo(message.path("content").asText());
        }
    }

    @Test
    void promptTokensFollowApproximateCount() throws IOException {
        // 400 characters are 100 tokens; the chat template adds 5 per message and 3.
        RawHttpConnection.Response chat = stream(quickOptions().build(), CHAT,
                chatBody("abcd".repeat(100), streamFields("max_tokens", 1,
                        "stream_options", Map.of("include_usage", true))));
        RawHttpConnection.Response completion = stream(quickOptions().build(), COMPLETIONS,
                completionsBody("abcd".repeat(100), streamFields("max_tokens", 1,
                        "stream_options", Map.of("include_usage", true))));

        List<JsonNode> chatEvents = jsonEvents(chat);
        List<JsonNode> completionEvents = jsonEvents(completion);
        assertThat(chatEvents.get(chatEvents.size() - 1).path("usage").path("prompt_tokens")
                .asInt()).isEqualTo(108);
        assertThat(completionEvents.get(completionEvents.size() - 1).path("usage")
                .path("prompt_tokens").asInt()).isEqualTo(100);
    }

    @Test
    void usageCountsEqualStreamedTokens() throws IOException {
        RawHttpConnection.Response response = stream(quickOptions().tokensPerChunk(2).build(),
                CHAT, chatBody("Hi", streamFields("max_tokens", 9, "stream_options",
                        Map.of("include_usage", true, "continuous_usage_stats", true))));

        int last = 0;
        for (RawHttpConnection.Event event : tokenEvents(response)) {
            last = parse(event.data()).path("usage").path("completion_tokens").asInt();
        }
        assertThat(last).isEqualTo(9);
        assertThat(completionTokens(response)).isEqualTo(9);
    }
}
