package io.tokenmark.core.client;

import java.util.Objects;

/**
 * Why and when a request failed, as reported to {@link StreamListener#onFailure}.
 *
 * @param kind the error class
 * @param httpStatus the response status, or {@code 0} when no status line arrived
 * @param message a one-line description for people, such as the server's error message or
 *     "no bytes for 2000 ms"; never contains the API key
 * @param responseBody the first 4 KiB of a non-2xx response body, or {@code null}
 * @param failedNanos {@code System.nanoTime()} when the failure was detected
 */
public record RequestFailure(
        ErrorKind kind, int httpStatus, String message, String responseBody, long failedNanos) {

    /** Largest response body excerpt kept, in bytes of UTF-8. */
    public static final int MAX_BODY_BYTES = 4096;

    public RequestFailure {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }

    /** Returns the report label, for example {@code http_429} or {@code read_timeout}. */
    public String label() {
        return kind.label(httpStatus);
    }
}
