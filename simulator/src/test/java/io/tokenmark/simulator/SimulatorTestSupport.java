package io.tokenmark.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenmark.simulator.profile.Profiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Request bodies and response parsing shared by the socket tests. */
public final class SimulatorTestSupport {
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String CHAT = "/v1/chat/completions";
    public static final String COMPLETIONS = "/v1/completions";

    private SimulatorTestSupport() {
    }

    /** Options for fast tests: 5 ms to the first token, 1 ms between tokens. */
    public static SimulatorOptions.Builder quickOptions() {
        return SimulatorOptions.builder()
                .profile(Profiles.fixed(Duration.ofMillis(5), Duration.ofMillis(1)));
    }

    /** Returns a chat request body with one user message and the {@code extra} fields. */
    public static String chatBody(String content, Map<String, Object> extra) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", SimulatorOptions.DEFAULT_MODEL);
        body.putArray("messages").addObject().put("role", "user").put("content", content);
        extra.forEach((field, value) -> body.set(field, JSON.valueToTree(value)));
        return write(body);
    }

    /** Returns a completions request body with the {@code extra} fields. */
    public static String completionsBody(String prompt, Map<String, Object> extra) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", SimulatorOptions.DEFAULT_MODEL);
        body.put("prompt", prompt);
        extra.forEach((field, value) -> body.set(field, JSON.valueToTree(value)));
        return write(body);
    }

    /** Returns a streaming chat body that sets {@code max_tokens} and requests usage. */
    public static String streamingChat(int maxTokens) {
        return chatBody("Hello there", Map.of("stream", true, "max_tokens", maxTokens,
                "stream_options", Map.of("include_usage", true)));
    }

    /** Parses every event except {@code [DONE]}; fails the test on invalid JSON. */
    public static List<JsonNode> jsonEvents(RawHttpConnection.Response response) {
        List<JsonNode> events = new ArrayList<>();
        for (RawHttpConnection.Event event : response.events) {
            if (!event.isDone()) {
                events.add(parse(event.data()));
            }
        }
        return events;
    }

    /** The events whose delta or text carries generated tokens, in order. */
    public static List<RawHttpConnection.Event> tokenEvents(RawHttpConnection.Response response) {
        List<RawHttpConnection.Event> tokens = new ArrayList<>();
        for (RawHttpConnection.Event event : response.events) {
            if (event.isDone()) {
                continue;
            }
            JsonNode choices = parse(event.data()).path("choices");
            if (choices.isEmpty()) {
                continue;
            }
            JsonNode choice = choices.get(0);
            if (!choice.path("delta").path("content").asText("").isEmpty()
                    || !choice.path("delta").path("reasoning_content").asText("").isEmpty()
                    || !choice.path("text").asText("").isEmpty()) {
                tokens.add(event);
            }
        }
        return tokens;
    }

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }

    private static String write(ObjectNode body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
