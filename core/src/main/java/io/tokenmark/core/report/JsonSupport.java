package io.tokenmark.core.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/** Jackson settings and helpers shared by the result-file writers and readers. */
final class JsonSupport {
    /** Thread-safe once configured, as Jackson documents for {@code ObjectMapper}. */
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private JsonSupport() {
    }

    /** Puts a number, or {@code null} when it is {@code NaN} or infinite. */
    static void putNumber(ObjectNode node, String key, double value) {
        if (Double.isFinite(value)) {
            node.put(key, value);
        } else {
            node.putNull(key);
        }
    }

    /** Puts a number, or {@code null} when it is {@code null}, {@code NaN} or infinite. */
    static void putNumber(ObjectNode node, String key, Double value) {
        putNumber(node, key, value == null ? Double.NaN : value);
    }

    /** Puts an integer, or {@code null}. */
    static void putInteger(ObjectNode node, String key, Long value) {
        if (value == null) {
            node.putNull(key);
        } else {
            node.put(key, value);
        }
    }

    /** Puts the entries of an ordered view map whose values are numbers, strings or null. */
    static ObjectNode toNode(Map<String, Object> view) {
        ObjectNode node = MAPPER.createObjectNode();
        for (Map.Entry<String, Object> entry : view.entrySet()) {
            Object value = entry.getValue();
            if (value == null) {
                node.putNull(entry.getKey());
            } else if (value instanceof String) {
                node.put(entry.getKey(), (String) value);
            } else if (value instanceof Integer || value instanceof Long) {
                node.put(entry.getKey(), ((Number) value).longValue());
            } else if (value instanceof Number) {
                putNumber(node, entry.getKey(), ((Number) value).doubleValue());
            } else {
                throw new IllegalArgumentException("unsupported value type "
                        + value.getClass().getName() + " for key " + entry.getKey());
            }
        }
        return node;
    }

    /** Returns the number at {@code key}, or {@code NaN} when it is missing or {@code null}. */
    static double readDouble(JsonNode node, String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? Double.NaN : value.asDouble();
    }

    /** Returns the number at {@code key}, or {@code null} when it is missing or {@code null}. */
    static Double readDoubleOrNull(JsonNode node, String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? null : value.asDouble();
    }

    /** Returns the integer at {@code key}, or {@code null} when it is missing or {@code null}. */
    static Long readLongOrNull(JsonNode node, String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? null : value.asLong();
    }

    /** Returns the text at {@code key}, or {@code null} when it is missing or {@code null}. */
    static String readTextOrNull(JsonNode node, String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? null : value.asText();
    }

    /**
     * Returns the member {@code key} of {@code node}.
     *
     * @throws IllegalArgumentException naming {@code where} and the key when it is missing
     */
    static JsonNode require(JsonNode node, String key, String where) {
        JsonNode value = node.get(key);
        if (value == null || value.isMissingNode()) {
            throw new IllegalArgumentException(where + " has no '" + key + "'");
        }
        return value;
    }

    /**
     * Writes {@code node} as indented JSON to a temporary file beside {@code target} and renames
     * it over {@code target}, so readers see the old or the new file, never a part of one.
     */
    static void writeAtomically(Path target, JsonNode node) {
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            byte[] bytes = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
            Files.write(temporary, bytes);
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("failed to write " + target + ": " + e.getMessage(), e);
        }
    }
}
