package io.tokenmark.core.tokenizer;

/**
 * One bundled Qwen3 tokenizer shared by every test in the JVM, because loading one takes a second
 * or more. It is never closed, and the JVM frees it on exit.
 */
public final class SharedQwen3 {
    private static final HuggingFaceTokenizer TOKENIZER = HuggingFaceTokenizer.qwen3();

    private SharedQwen3() {
    }

    public static HuggingFaceTokenizer tokenizer() {
        return TOKENIZER;
    }
}
