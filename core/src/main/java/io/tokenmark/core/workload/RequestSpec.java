package io.tokenmark.core.workload;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one request asks for, independent of the endpoint: the prompt, the output length and the
 * sampling parameters. The client adds the model name, {@code "stream": true} and the stream
 * options.
 *
 * <p>A spec holds {@code messages} (chat API), a {@code prompt} (completions API), or both.
 * A chat client given only a prompt sends it as one user message; a completions client given
 * only messages rejects the spec.
 *
 * <p>Immutable and thread-safe.
 */
public final class RequestSpec {
    private final int datasetIndex;
    private final List<ChatMessage> messages;
    private final String prompt;
    private final int maxTokens;
    private final int minTokens;
    private final boolean ignoreEos;
    private final Double temperature;
    private final int expectedInputTokens;
    private final Map<String, Object> extraBody;

    private RequestSpec(Builder b) {
        this.datasetIndex = b.datasetIndex;
        this.messages = b.messages == null ? null : List.copyOf(b.messages);
        this.prompt = b.prompt;
        this.maxTokens = b.maxTokens;
        this.minTokens = b.minTokens;
        this.ignoreEos = b.ignoreEos;
        this.temperature = b.temperature;
        this.expectedInputTokens = b.expectedInputTokens;
        this.extraBody = Collections.unmodifiableMap(new LinkedHashMap<>(b.extraBody));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Returns a chat spec with one user message and the given {@code max_tokens}. */
    public static RequestSpec ofUserMessage(String content, int maxTokens) {
        return builder().messages(List.of(ChatMessage.user(content))).maxTokens(maxTokens).build();
    }

    /** Position of this item in its dataset, from 0; reported with each request. */
    public int datasetIndex() {
        return datasetIndex;
    }

    /** The chat messages, or {@code null} when the spec has only a prompt. */
    public List<ChatMessage> messages() {
        return messages;
    }

    /** The completions prompt, or {@code null} when the spec has only messages. */
    public String prompt() {
        return prompt;
    }

    /** {@code max_tokens}, or {@code -1} to leave it out and let the server decide. */
    public int maxTokens() {
        return maxTokens;
    }

    /** {@code min_tokens} (vLLM, SGLang), or {@code -1} to leave it out. */
    public int minTokens() {
        return minTokens;
    }

    /** Whether to send {@code "ignore_eos": true} (vLLM, SGLang). */
    public boolean ignoreEos() {
        return ignoreEos;
    }

    /** {@code temperature}, or {@code null} to leave it out. */
    public Double temperature() {
        return temperature;
    }

    /**
     * The prompt's length in tokens as the workload's tokenizer counted it, template included
     * when one was applied; {@code -1} when unknown.
     */
    public int expectedInputTokens() {
        return expectedInputTokens;
    }

    /** Fields merged into the request body after the client's own, overriding them. */
    public Map<String, Object> extraBody() {
        return extraBody;
    }

    /** Returns a builder holding this spec's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.datasetIndex = datasetIndex;
        b.messages = messages;
        b.prompt = prompt;
        b.maxTokens = maxTokens;
        b.minTokens = minTokens;
        b.ignoreEos = ignoreEos;
        b.temperature = temperature;
        b.expectedInputTokens = expectedInputTokens;
        b.extraBody.putAll(extraBody);
        return b;
    }

    @Override
    public String toString() {
        int chars = prompt != null ? prompt.length()
                : messages.stream().mapToInt(m -> m.content().length()).sum();
        return "RequestSpec[datasetIndex=" + datasetIndex
                + (messages != null ? ", messages=" + messages.size() : ", prompt")
                + ", chars=" + chars
                + ", maxTokens=" + maxTokens
                + ", expectedInputTokens=" + expectedInputTokens + "]";
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private int datasetIndex;
        private List<ChatMessage> messages;
        private String prompt;
        private int maxTokens = -1;
        private int minTokens = -1;
        private boolean ignoreEos;
        private Double temperature;
        private int expectedInputTokens = -1;
        private final Map<String, Object> extraBody = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder datasetIndex(int datasetIndex) {
            this.datasetIndex = datasetIndex;
            return this;
        }

        public Builder messages(List<ChatMessage> messages) {
            this.messages = messages;
            return this;
        }

        public Builder prompt(String prompt) {
            this.prompt = prompt;
            return this;
        }

        public Builder maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        public Builder minTokens(int minTokens) {
            this.minTokens = minTokens;
            return this;
        }

        public Builder ignoreEos(boolean ignoreEos) {
            this.ignoreEos = ignoreEos;
            return this;
        }

        public Builder temperature(Double temperature) {
            this.temperature = temperature;
            return this;
        }

        public Builder expectedInputTokens(int expectedInputTokens) {
            this.expectedInputTokens = expectedInputTokens;
            return this;
        }

        public Builder extraBody(String field, Object value) {
            extraBody.put(field, value);
            return this;
        }

        /**
         * Validates and returns the spec.
         *
         * @throws IllegalArgumentException when neither messages nor a prompt is set, or a
         *     length is out of range
         */
        public RequestSpec build() {
            if ((messages == null || messages.isEmpty()) && prompt == null) {
                throw new IllegalArgumentException(
                        "request has neither messages nor a prompt: set one of them");
            }
            if (messages != null) {
                messages.forEach(m -> Objects.requireNonNull(m, "message"));
            }
            if (maxTokens == 0 || maxTokens < -1) {
                throw new IllegalArgumentException(
                        "invalid max_tokens " + maxTokens + ": use a positive count, or -1 to omit it");
            }
            if (minTokens < -1 || (maxTokens > 0 && minTokens > maxTokens)) {
                throw new IllegalArgumentException("invalid min_tokens " + minTokens
                        + ": use -1 to omit it, or a count from 0 to max_tokens (" + maxTokens + ")");
            }
            if (datasetIndex < 0) {
                throw new IllegalArgumentException(
                        "invalid dataset index " + datasetIndex + ": must be at least 0");
            }
            return new RequestSpec(this);
        }
    }
}
