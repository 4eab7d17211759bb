package io.tokenmark.netty.openai;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * The test oracle for {@link ChunkScanner}: reads a chunk into a Jackson tree with Jackson's
 * default features and extracts the same members by walking the tree. Independent of the scanner
 * in everything but the rules both implement, which are written out here a second time.
 *
 * <p>A tree keeps one value per member name, so the oracle's results match the scanner's only for
 * documents whose objects have no repeated member names.
 */
final class JacksonChunkReference {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Why the last call of {@link #extract} on this thread rejected its input, for messages. */
    static final ThreadLocal<String> LAST_REJECTION = new ThreadLocal<>();

    private JacksonChunkReference() {
    }

    /** What a parser extracts from one chunk; {@code REJECTED} when the chunk is malformed. */
    record Extracted(boolean hasAnswer, boolean hasReasoning, String answerText,
            String reasoningText, String finishReason, boolean hasUsage, int promptTokens,
            int completionTokens, boolean hasError, String errorMessage) {

        static final Extracted REJECTED =
                new Extracted(false, false, null, null, null, false, 0, 0, false, "rejected");

        /** Returns what {@code chunk}, filled by a parser that kept text, holds. */
        static Extracted of(CompletionChunk chunk) {
            return new Extracted(chunk.hasAnswer, chunk.hasReasoning,
                    chunk.answerText.toString(), chunk.reasoningText.toString(),
                    chunk.finishReason, chunk.hasUsage, chunk.promptTokens,
                    chunk.completionTokens, chunk.hasError, chunk.errorMessage);
        }
    }

    /** Extracts the members of {@code json}, or returns {@link Extracted#REJECTED}. */
    static Extracted extract(byte[] json) {
        LAST_REJECTION.set(null);
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            LAST_REJECTION.set(e.getMessage().lines().findFirst().orElse(""));
            return Extracted.REJECTED;
        }
        if (root == null || !root.isObject()) {
            LAST_REJECTION.set("not an object: " + root);
            return Extracted.REJECTED;
        }
        try {
            return new Walk().chunk(root);
        } catch (IllegalStateException e) {
            LAST_REJECTION.set(e.getMessage());
            return Extracted.REJECTED;
        }
    }

    /** One walk over a tree, accumulating what the scanner accumulates in a CompletionChunk. */
    private static final class Walk {
        boolean hasAnswer;
        boolean hasReasoning;
        final StringBuilder answer = new StringBuilder();
        final StringBuilder reasoning = new StringBuilder();
        String finishReason;
        boolean hasUsage;
        int promptTokens = -1;
        int completionTokens = -1;
        boolean hasError;
        String errorMessage;

        Extracted chunk(JsonNode root) {
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                JsonNode value = member.getValue();
                switch (member.getKey()) {
                    case "choices" -> {
                        if (value.isArray()) {
                            value.forEach(this::choice);
                        }
                    }
                    case "usage" -> {
                        if (value.isObject()) {
                            usage(value);
                        }
                    }
                    case "error" -> error(value);
                    default -> {
                    }
                }
            }
            return new Extracted(hasAnswer, hasReasoning, answer.toString(),
                    reasoning.toString(), finishReason, hasUsage, promptTokens, completionTokens,
                    hasError, errorMessage);
        }

        void choice(JsonNode choice) {
            if (!choice.isObject()) {
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = choice.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                JsonNode value = member.getValue();
                switch (member.getKey()) {
                    case "delta" -> {
                        if (value.isObject()) {
                            delta(value);
                        }
                    }
                    case "text" -> answer(value);
                    case "finish_reason" -> {
                        if (value.isTextual() && finishReason == null) {
                            finishReason = value.textValue();
                        }
                    }
                    default -> {
                    }
                }
            }
        }

        void delta(JsonNode delta) {
            boolean reasoningSeen = false;
            for (Iterator<Map.Entry<String, JsonNode>> it = delta.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                JsonNode value = member.getValue();
                switch (member.getKey()) {
                    case "content" -> answer(value);
                    case "reasoning_content", "reasoning" -> {
                        if (value.isTextual() && !value.textValue().isEmpty() && !reasoningSeen) {
                            reasoningSeen = true;
                            hasReasoning = true;
                            reasoning.append(value.textValue());
                        }
                    }
                    case "tool_calls" -> {
                        if (value.isArray()) {
                            for (JsonNode call : value) {
                                if (call.isObject() && call.path("function").isObject()) {
                                    function(call.get("function"));
                                }
                            }
                        }
                    }
                    case "function_call" -> {
                        if (value.isObject()) {
                            function(value);
                        }
                    }
                    default -> {
                    }
                }
            }
        }

        void function(JsonNode function) {
            if (function.has("arguments")) {
                answer(function.get("arguments"));
            }
        }

        void answer(JsonNode value) {
            if (value.isTextual() && !value.textValue().isEmpty()) {
                hasAnswer = true;
                answer.append(value.textValue());
            }
        }

        void usage(JsonNode usage) {
            hasUsage = true;
            promptTokens = count(usage.get("prompt_tokens"), promptTokens);
            completionTokens = count(usage.get("completion_tokens"), completionTokens);
        }

        /** Rejects an integral count outside the int range, because Jackson's getIntValue does. */
        static int count(JsonNode value, int previous) {
            if (value == null || !value.isIntegralNumber()) {
                return previous;
            }
            if (!value.canConvertToInt()) {
                throw new IllegalStateException("count out of int range: " + value);
            }
            return value.intValue();
        }

        void error(JsonNode value) {
            if (value.isNull()) {
                return;
            }
            hasError = true;
            if (value.isTextual()) {
                errorMessage = value.textValue();
            } else if (value.isObject() && value.path("message").isTextual()) {
                errorMessage = value.get("message").textValue();
            }
            if (errorMessage == null || errorMessage.isEmpty()) {
                errorMessage = "the server sent an error event without a message";
            }
        }
    }
}
