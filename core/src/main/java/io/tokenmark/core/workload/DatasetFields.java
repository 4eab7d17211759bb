package io.tokenmark.core.workload;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Checks of the fields dataset records share, each failing with the record's file and line. */
final class DatasetFields {
    private DatasetFields() {
    }

    /** Returns a non-empty string field. */
    static String text(Path file, int lineNumber, String field, JsonNode value) {
        if (!value.isTextual()) {
            throw new DatasetException(file, lineNumber, "\"" + field + "\" is " + typeOf(value)
                    + ", not a string: give the text as a JSON string");
        }
        if (value.asText().isEmpty()) {
            throw new DatasetException(file, lineNumber,
                    "\"" + field + "\" is empty: give the text to send, or remove the record");
        }
        return value.asText();
    }

    /** Returns {@code max_tokens}, or -1 when absent or null. */
    static int maxTokens(Path file, int lineNumber, JsonNode value) {
        if (value == null || value.isNull()) {
            return -1;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 1) {
            throw new DatasetException(file, lineNumber, "invalid \"max_tokens\" " + value
                    + ": must be an integer from 1 to " + Integer.MAX_VALUE + ", or left out");
        }
        return value.asInt();
    }

    /** Returns a non-empty list of chat messages with string roles and contents. */
    static List<ChatMessage> messages(Path file, int lineNumber, JsonNode value) {
        if (!value.isArray() || value.isEmpty()) {
            throw new DatasetException(file, lineNumber, "\"messages\" must be a non-empty array of "
                    + "{\"role\": ..., \"content\": ...} objects");
        }
        List<ChatMessage> messages = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            JsonNode message = value.get(i);
            if (!message.isObject()) {
                throw new DatasetException(file, lineNumber, "message " + (i + 1) + " is "
                        + typeOf(message) + ": each message must be {\"role\": ..., \"content\": ...}");
            }
            JsonNode role = message.get("role");
            JsonNode content = message.get("content");
            if (role == null || !role.isTextual() || role.asText().isBlank()) {
                throw new DatasetException(file, lineNumber, "message " + (i + 1)
                        + " has no \"role\" string: use system, user or assistant");
            }
            if (content == null || !content.isTextual()) {
                throw new DatasetException(file, lineNumber, "message " + (i + 1)
                        + " has no \"content\" string: content parts (images, audio) are not "
                        + "supported, give the text as a string");
            }
            messages.add(new ChatMessage(role.asText(), content.asText()));
        }
        return messages;
    }

    static String typeOf(JsonNode value) {
        if (value.isObject()) {
            return "an object";
        }
        if (value.isArray()) {
            return "an array";
        }
        if (value.isNull()) {
            return "null";
        }
        if (value.isNumber()) {
            return "a number";
        }
        return value.isBoolean() ? "a boolean" : "a string";
    }
}
