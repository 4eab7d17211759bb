package io.tokenmark.simulator.openai;

import io.tokenmark.simulator.engine.SplitMix64;
import java.nio.charset.StandardCharsets;

/**
 * The simulated model's vocabulary and its deterministic text: token {@code i} of a response
 * with text seed {@code s} is always the same word, so a seed reproduces a response exactly.
 *
 * <p>Words are mostly English with a leading space, plus punctuation, a quote and a few
 * multi-byte UTF-8 words ({@code café}, {@code 数据}, an emoji), so that clients see characters
 * of 2, 3 and 4 bytes and a JSON escape. Each word is one token of the Qwen3 tokenizer, and no
 * sequence of words merges into fewer tokens, so a client that tokenizes the text with Qwen3
 * counts exactly the tokens the simulator reports. That is why punctuation has a leading space
 * and the text has no line break: Qwen3 merges adjacent punctuation and line breaks. Each word's
 * JSON-escaped UTF-8 bytes are prepared once, so writing a token into an event copies bytes and
 * allocates nothing.
 *
 * <p>Thread-safe: the vocabulary is immutable.
 */
public final class TokenText {
    private static final String[] WORDS = {
        " the", " model", " serves", " tokens", " from", " a", " batch", " of", " requests",
        " and", " each", " step", " adds", " one", " more", " to", " every", " running",
        " sequence", " .", " ,", " while", " new", " prompts", " wait", " in", " the", " queue",
        " until", " memory", " frees", " up", " so", " latency", " grows", " with", " load",
        " throughput", " rises", " then", " levels", " off", " as", " the", " cache", " fills",
        " \"", " café", " niño", " 数据", " 😀", " —", " prefix", " decode", " is", " fast",
        " slow", " when", " many", " users", " send", " long", " inputs", " at", " once", " !",
    };

    private static final byte[][] JSON_BYTES = new byte[WORDS.length][];

    static {
        for (int i = 0; i < WORDS.length; i++) {
            JSON_BYTES[i] = escapeJson(WORDS[i]).getBytes(StandardCharsets.UTF_8);
        }
    }

    private TokenText() {
    }

    /** Number of words in the vocabulary. */
    public static int vocabularySize() {
        return WORDS.length;
    }

    /** Returns the vocabulary index of token {@code position} (from 0) of text {@code seed}. */
    public static int wordIndex(long seed, int position) {
        return SplitMix64.below(SplitMix64.hash(seed, position), WORDS.length);
    }

    /** Returns the text of token {@code position} of text {@code seed}. */
    public static String word(long seed, int position) {
        return WORDS[wordIndex(seed, position)];
    }

    /** Returns the JSON-escaped UTF-8 bytes of token {@code position}; do not modify them. */
    static byte[] jsonBytes(long seed, int position) {
        return JSON_BYTES[wordIndex(seed, position)];
    }

    /** Returns tokens {@code [from, from + count)} of text {@code seed} as one string. */
    public static String text(long seed, int from, int count) {
        StringBuilder text = new StringBuilder(count * 6);
        for (int i = from; i < from + count; i++) {
            text.append(word(seed, i));
        }
        return text.toString();
    }

    /** Escapes a string for a JSON string literal, without the quotes. */
    static String escapeJson(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
