package io.tokenmark.simulator.cli;

import io.tokenmark.core.tokenizer.HuggingFaceTokenizer;
import io.tokenmark.core.tokenizer.Tokenizer;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the tokenizer that counts the command line's prompt tokens. The tokenizer library (DJL)
 * and the chat template engine are in {@code tokenmark.jar} but not in
 * {@code tokenmark-simulator.jar}, which then keeps the approximate count.
 */
final class PromptTokenizers {
    private static final Logger log = LoggerFactory.getLogger(PromptTokenizers.class);
    private static final String TOKENIZER_LIBRARY = "ai.djl.huggingface.tokenizers.HuggingFaceTokenizer";
    private static final String TEMPLATE_ENGINE = "com.hubspot.jinjava.Jinjava";

    private PromptTokenizers() {
    }

    /**
     * Loads the tokenizer at {@code path}, or the bundled Qwen3 one for {@code null}.
     *
     * @return the tokenizer, which the caller closes, or {@code null} when the jar has no
     *     tokenizer library and no path was given
     * @throws IllegalArgumentException if the path is not a tokenizer, or a path was given to a
     *     jar without the tokenizer library
     */
    static Tokenizer load(Path path) {
        if (!onClasspath(TOKENIZER_LIBRARY) || !onClasspath(TEMPLATE_ENGINE)) {
            if (path != null) {
                throw new IllegalArgumentException("invalid --tokenizer " + path + ": this jar"
                        + " has no tokenizer library, so run the simulator as java -jar"
                        + " tokenmark.jar simulate to count with a tokenizer");
            }
            log.info("Prompt tokens are counted approximately (4 characters per token), because"
                    + " this jar has no tokenizer library");
            return null;
        }
        Tokenizer tokenizer;
        try {
            tokenizer = path == null ? HuggingFaceTokenizer.qwen3() : HuggingFaceTokenizer.load(path);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid --tokenizer " + path + ": " + e.getMessage(), e);
        }
        log.info("Prompt tokens are counted with tokenizer {}", tokenizer.name());
        return tokenizer;
    }

    /** Closes {@code tokenizer} unless it is {@code null}. */
    static void close(Tokenizer tokenizer) {
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    private static boolean onClasspath(String className) {
        try {
            Class.forName(className, false, PromptTokenizers.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
