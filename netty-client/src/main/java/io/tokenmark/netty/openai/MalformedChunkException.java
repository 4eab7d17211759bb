package io.tokenmark.netty.openai;

/** Event data that is not a JSON object, or not complete JSON. */
final class MalformedChunkException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedChunkException(String message, Throwable cause) {
        super(message, cause);
    }
}
