package io.tokenmark.core.metric;

/**
 * Where a token count came from, in order of preference. Every {@link RequestRecord} states the
 * source of its input and output counts, because counts from different sources are not
 * comparable.
 */
public enum TokenCountSource {
    /** {@code usage.prompt_tokens} or {@code usage.completion_tokens} reported by the server. */
    USAGE,
    /** The configured tokenizer's count of the prompt (template included) or generated text. */
    TOKENIZER,
    /** The number of token events, assuming one token per event; output only. */
    EVENT_COUNT,
    /** No count is available. */
    UNKNOWN;

    /** Returns the lower-case name used in JSON, such as {@code usage}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
