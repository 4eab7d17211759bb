package io.tokenmark.core.tokenizer;

/**
 * A chat template that cannot be parsed or cannot render the given messages, including a
 * template that calls {@code raise_exception}.
 */
public final class ChatTemplateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ChatTemplateException(String message) {
        super(message);
    }

    public ChatTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
