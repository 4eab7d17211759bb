package io.tokenmark.simulator.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenmark.core.client.ApiKind;

/**
 * JSON bodies of the responses that are not streamed: a whole completion, the model list and
 * OpenAI error bodies. Built once per response with Jackson, off any per-token path.
 *
 * <p>Thread-safe.
 */
public final class ResponseBodies {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ResponseBodies() {
    }

    /**
     * Returns the body of a non-streamed response: {@code chat.completion} with a message (and
     * {@code reasoning_content} when the plan has reasoning) or {@code text_completion} with
     * text, the finish reason and the usage.
     */
    public static String completion(ApiKind api, String completionId, long createdSeconds,
            String model, int promptTokens, OutputPlan plan) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("id", completionId);
        root.put("object", api == ApiKind.CHAT ? "chat.completion" : "text_completion");
        root.put("created", createdSeconds);
        root.put("model", model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        long seed = plan.textSeed();
        int reasoning = api == ApiKind.CHAT ? plan.reasoningTokens() : 0;
        String answer = TokenText.text(seed, reasoning, plan.outputTokens() - reasoning);
        if (api == ApiKind.CHAT) {
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            if (reasoning > 0) {
                message.put("reasoning_content", TokenText.text(seed, 0, reasoning));
            } else {
                message.putNull("reasoning_content");
            }
            message.put("content", answer);
            message.putArray("tool_calls");
        } else {
            choice.put("text", answer);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", plan.finishReason());
        choice.putNull("stop_reason");
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", promptTokens);
        usage.put("total_tokens", (long) promptTokens + plan.outputTokens());
        usage.put("completion_tokens", plan.outputTokens());
        return write(root);
    }

    /** Returns the body of {@code GET /v1/models}: a list with the one served model. */
    public static String models(String model, long createdSeconds, int maxModelTokens) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        ObjectNode entry = data.addObject();
        entry.put("id", model);
        entry.put("object", "model");
        entry.put("created", createdSeconds);
        entry.put("owned_by", "tokenmark");
        entry.put("root", model);
        entry.putNull("parent");
        entry.put("max_model_len", maxModelTokens);
        return write(root);
    }

    /**
     * Returns an OpenAI error body:
     * {@code {"error":{"message":…,"type":…,"param":…,"code":…}}}.
     *
     * @param param the request field at fault, or {@code null}
     * @param code a string code such as {@code rate_limit_exceeded}, an {@code Integer} status,
     *     or {@code null}
     */
    public static String errorJson(String message, String type, String param, Object code) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        if (param == null) {
            error.putNull("param");
        } else {
            error.put("param", param);
        }
        if (code == null) {
            error.putNull("code");
        } else if (code instanceof Integer number) {
            error.put("code", number);
        } else {
            error.put("code", code.toString());
        }
        return write(root);
    }

    private static String write(ObjectNode root) {
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            // A tree of strings and numbers always serializes.
            throw new IllegalStateException("could not serialize a response body", e);
        }
    }
}
