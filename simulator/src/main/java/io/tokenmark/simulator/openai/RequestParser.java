package io.tokenmark.simulator.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmark.core.client.ApiKind;
import io.tokenmark.core.workload.ChatMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses and validates the JSON body of {@code POST /v1/chat/completions} and
 * {@code POST /v1/completions}, the way vLLM's OpenAI server does for the fields the simulator
 * uses.
 *
 * <p>Every rejection is an {@link InvalidRequestException} whose message names the field and
 * the valid values; the server turns it into a 400 (or 404 for an unknown model) with an OpenAI
 * error body.
 *
 * <p>Thread-safe.
 */
public final class RequestParser {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String servedModel;

    /** @param servedModel the only model name requests may ask for */
    public RequestParser(String servedModel) {
        this.servedModel = servedModel;
    }

    /**
     * Parses a request body.
     *
     * @param api the endpoint that received it
     * @param body the body bytes; not closed
     * @throws InvalidRequestException when the body is not valid for the endpoint
     */
    public CompletionRequest parse(ApiKind api, InputStream body) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw InvalidRequestException.badField(null, "request body is not valid JSON: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw InvalidRequestException.badField(null,
                    "request body could not be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw InvalidRequestException.badField(null,
                    "request body must be a JSON object, for example {\"model\": \"" + servedModel
                            + "\", ...}");
        }

        String model = requireString(root, "model");
        if (!model.equals(servedModel)) {
            throw new InvalidRequestException(404, "not_found_error", "model_not_found", "model",
                    "The model `" + model + "` does not exist. This server serves `"
                            + servedModel + "` (see GET /v1/models).");
        }

        List<ChatMessage> messages = null;
        String prompt = null;
        int promptTokenIds = -1;
        if (api == ApiKind.CHAT) {
            messages = parseMessages(root.get("messages"));
        } else {
            JsonNode promptNode = root.get("prompt");
            if (isTokenIdList(promptNode)) {
                promptTokenIds = promptNode.size();
            } else {
                prompt = parsePrompt(promptNode);
            }
        }

        boolean stream = optionalBoolean(root, "stream", false);
        boolean includeUsage = false;
        boolean continuousUsageStats = false;
        JsonNode streamOptions = root.get("stream_options");
        if (streamOptions != null && !streamOptions.isNull()) {
            if (!stream) {
                throw InvalidRequestException.badField("stream_options",
                        "stream_options can only be set when stream is true");
            }
            if (!streamOptions.isObject()) {
                throw InvalidRequestException.badField("stream_options",
                        "stream_options must be an object such as {\"include_usage\": true}");
            }
            includeUsage = optionalBoolean(streamOptions, "include_usage", false);
            continuousUsageStats = optionalBoolean(streamOptions, "continuous_usage_stats", false);
        }

        int maxTokens = optionalInt(root, "max_tokens", -1, 1);
        if (api == ApiKind.CHAT) {
            maxTokens = optionalInt(root, "max_completion_tokens", maxTokens, 1);
        }
        int minTokens = optionalInt(root, "min_tokens", 0, 0);
        if (maxTokens > 0 && minTokens > maxTokens) {
            throw InvalidRequestException.badField("min_tokens", "min_tokens (" + minTokens
                    + ") must be less than or equal to max_tokens (" + maxTokens + ")");
        }
        boolean ignoreEos = optionalBoolean(root, "ignore_eos", false);
        int n = optionalInt(root, "n", 1, 1);
        if (n != 1) {
            throw InvalidRequestException.badField("n",
                    "n = " + n + " is not supported by the simulator: leave n out or set it to 1");
        }
        Long seed = null;
        JsonNode seedNode = root.get("seed");
        if (seedNode != null && !seedNode.isNull()) {
            if (!seedNode.isIntegralNumber() || !seedNode.canConvertToLong()) {
                throw InvalidRequestException.badField("seed",
                        "seed must be an integer, got " + seedNode);
            }
            seed = seedNode.longValue();
        }

        return new CompletionRequest(api, model, messages, prompt, promptTokenIds, stream,
                includeUsage, continuousUsageStats, maxTokens, minTokens, ignoreEos, seed);
    }

    private static List<ChatMessage> parseMessages(JsonNode node) {
        if (node == null || node.isNull()) {
            throw InvalidRequestException.badField("messages",
                    "missing field 'messages': the chat API needs an array of messages");
        }
        if (!node.isArray() || node.isEmpty()) {
            throw InvalidRequestException.badField("messages",
                    "messages must be a non-empty array of {\"role\": ..., \"content\": ...}");
        }
        List<ChatMessage> messages = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode message = node.get(i);
            String field = "messages[" + i + "]";
            if (!message.isObject()) {
                throw InvalidRequestException.badField(field, field + " must be an object");
            }
            JsonNode role = message.get("role");
            if (role == null || !role.isTextual() || role.asText().isEmpty()) {
                throw InvalidRequestException.badField(field + ".role",
                        field + ".role must be a string such as \"user\"");
            }
            messages.add(new ChatMessage(role.asText(), messageContent(message.get("content"),
                    field + ".content")));
        }
        return messages;
    }

    /** Returns the text of a message's content: a string, text parts, or null (empty). */
    private static String messageContent(JsonNode content, String field) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                JsonNode partText = part.get("text");
                if (part.isObject() && "text".equals(part.path("type").asText())
                        && partText != null && partText.isTextual()) {
                    text.append(partText.asText());
                } else {
                    throw InvalidRequestException.badField(field, field
                            + " parts must be {\"type\": \"text\", \"text\": ...}; the simulator"
                            + " accepts text only");
                }
            }
            return text.toString();
        }
        throw InvalidRequestException.badField(field,
                field + " must be a string or an array of text parts");
    }

    private static boolean isTokenIdList(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            return false;
        }
        for (JsonNode id : node) {
            if (!id.isIntegralNumber()) {
                return false;
            }
        }
        return true;
    }

    private static String parsePrompt(JsonNode node) {
        if (node == null || node.isNull()) {
            throw InvalidRequestException.badField("prompt",
                    "missing field 'prompt': the completions API needs a prompt string");
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isArray() && node.size() == 1 && node.get(0).isTextual()) {
            return node.get(0).asText();
        }
        throw InvalidRequestException.badField("prompt", "prompt must be a string, a list of one"
                + " string, or a list of token ids; batches of prompts are not supported");
    }

    private static String requireString(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw InvalidRequestException.badField(field, "missing field '" + field + "'");
        }
        if (!node.isTextual()) {
            throw InvalidRequestException.badField(field,
                    field + " must be a string, got " + node);
        }
        return node.asText();
    }

    private static boolean optionalBoolean(JsonNode object, String field, boolean absent) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            return absent;
        }
        if (!node.isBoolean()) {
            throw InvalidRequestException.badField(field,
                    field + " must be true or false, got " + node);
        }
        return node.booleanValue();
    }

    private static int optionalInt(JsonNode object, String field, int absent, int min) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            return absent;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min) {
            throw InvalidRequestException.badField(field,
                    field + " must be an integer of at least " + min + ", got " + node);
        }
        return node.intValue();
    }
}
