package io.tokenmark.netty.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.tokenmark.core.client.ApiKind;
import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.core.workload.ChatMessage;
import io.tokenmark.core.workload.RequestSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes the JSON body of a streaming request with Jackson's streaming generator.
 *
 * <p>Members, in order: {@code model}; {@code messages} (chat; a spec with only a prompt becomes
 * one user message) or {@code prompt} (completions); {@code max_tokens} and {@code min_tokens}
 * when set; {@code ignore_eos} when true; {@code temperature} when set; {@code "stream": true};
 * {@code stream_options} with {@code include_usage} and, when enabled,
 * {@code continuous_usage_stats}; then the fields of {@link ClientOptions#extraBody()} followed
 * by those of {@link RequestSpec#extraBody()}. An extra field replaces a member of the same name
 * (a spec's extra field replaces an option's), so the body never repeats a name.
 *
 * <p>Extra values may be {@code null}, {@link CharSequence}, {@link Number}, {@link Boolean},
 * {@link Map} (keys written with {@code toString()}), {@link Iterable} or {@code Object[]}, nested
 * freely. The {@code stream_options} member is left out when neither option is on.
 *
 * <p>Thread-safe: holds only immutable configuration.
 */
public final class RequestBodyWriter {
    private final JsonFactory factory;
    private final ClientOptions options;

    /**
     * @throws IllegalArgumentException naming the field when an option's extra body value has a
     *     type that cannot be written as JSON
     */
    public RequestBodyWriter(JsonFactory factory, ClientOptions options) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.options = Objects.requireNonNull(options, "options");
        try (JsonGenerator generator = factory.createGenerator(OutputStream.nullOutputStream())) {
            generator.writeStartObject();
            writeExtras(generator, options.extraBody());
            generator.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Returns the UTF-8 body for {@code spec}.
     *
     * @throws InvalidRequestException when the spec does not fit the configured API (a
     *     completions request with only messages) or an extra value cannot be written
     */
    public byte[] write(RequestSpec spec) throws InvalidRequestException {
        Map<String, Object> extras = mergedExtras(spec);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = factory.createGenerator(out)) {
            generator.writeStartObject();
            writeStandardMembers(generator, spec, extras);
            writeExtras(generator, extras);
            generator.writeEndObject();
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private Map<String, Object> mergedExtras(RequestSpec spec) {
        if (spec.extraBody().isEmpty()) {
            return options.extraBody();
        }
        Map<String, Object> merged = new LinkedHashMap<>(options.extraBody());
        for (Map.Entry<String, Object> entry : spec.extraBody().entrySet()) {
            merged.remove(entry.getKey());
            merged.put(entry.getKey(), entry.getValue());
        }
        return merged;
    }

    private void writeStandardMembers(JsonGenerator g, RequestSpec spec, Map<String, Object> extras)
            throws IOException, InvalidRequestException {
        if (!extras.containsKey("model")) {
            g.writeStringField("model", options.model());
        }
        if (options.api() == ApiKind.CHAT) {
            if (!extras.containsKey("messages")) {
                writeMessages(g, spec);
            }
        } else {
            if (spec.prompt() == null) {
                throw new InvalidRequestException("the completions API needs a prompt, but this"
                        + " request has only chat messages: use the chat API or give the request"
                        + " a prompt");
            }
            if (!extras.containsKey("prompt")) {
                g.writeStringField("prompt", spec.prompt());
            }
        }
        if (spec.maxTokens() >= 0 && !extras.containsKey("max_tokens")) {
            g.writeNumberField("max_tokens", spec.maxTokens());
        }
        if (spec.minTokens() >= 0 && !extras.containsKey("min_tokens")) {
            g.writeNumberField("min_tokens", spec.minTokens());
        }
        if (spec.ignoreEos() && !extras.containsKey("ignore_eos")) {
            g.writeBooleanField("ignore_eos", true);
        }
        if (spec.temperature() != null && !extras.containsKey("temperature")) {
            g.writeNumberField("temperature", spec.temperature());
        }
        if (!extras.containsKey("stream")) {
            g.writeBooleanField("stream", true);
        }
        if ((options.includeUsage() || options.continuousUsageStats())
                && !extras.containsKey("stream_options")) {
            g.writeObjectFieldStart("stream_options");
            g.writeBooleanField("include_usage", options.includeUsage());
            if (options.continuousUsageStats()) {
                g.writeBooleanField("continuous_usage_stats", true);
            }
            g.writeEndObject();
        }
    }

    private static void writeMessages(JsonGenerator g, RequestSpec spec) throws IOException {
        g.writeArrayFieldStart("messages");
        List<ChatMessage> messages = spec.messages();
        if (messages == null || messages.isEmpty()) {
            writeMessage(g, ChatMessage.user(spec.prompt()));
        } else {
            for (ChatMessage message : messages) {
                writeMessage(g, message);
            }
        }
        g.writeEndArray();
    }

    private static void writeMessage(JsonGenerator g, ChatMessage message) throws IOException {
        g.writeStartObject();
        g.writeStringField("role", message.role());
        g.writeStringField("content", message.content());
        g.writeEndObject();
    }

    private static void writeExtras(JsonGenerator g, Map<String, Object> extras) throws IOException {
        for (Map.Entry<String, Object> entry : extras.entrySet()) {
            g.writeFieldName(entry.getKey());
            writeValue(g, entry.getKey(), entry.getValue());
        }
    }

    private static void writeValue(JsonGenerator g, String field, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof CharSequence text) {
            g.writeString(text.toString());
        } else if (value instanceof Boolean flag) {
            g.writeBoolean(flag);
        } else if (value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof Byte) {
            g.writeNumber(((Number) value).longValue());
        } else if (value instanceof Double || value instanceof Float) {
            g.writeNumber(((Number) value).doubleValue());
        } else if (value instanceof BigDecimal decimal) {
            g.writeNumber(decimal);
        } else if (value instanceof BigInteger integer) {
            g.writeNumber(integer);
        } else if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                g.writeFieldName(String.valueOf(entry.getKey()));
                writeValue(g, field, entry.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof Iterable<?> items) {
            g.writeStartArray();
            for (Object item : items) {
                writeValue(g, field, item);
            }
            g.writeEndArray();
        } else if (value instanceof Object[] items) {
            g.writeStartArray();
            for (Object item : items) {
                writeValue(g, field, item);
            }
            g.writeEndArray();
        } else {
            throw new IllegalArgumentException("extra body field '" + field + "' is a "
                    + value.getClass().getName() + ", which cannot be written as JSON: use a"
                    + " String, Number, Boolean, Map, List, array or null");
        }
    }

    /** A request that cannot be sent as configured; the message states why and what to change. */
    public static final class InvalidRequestException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidRequestException(String message) {
            super(message);
        }
    }
}
