package io.tokenmark.core.client;

/**
 * Receives one request's progress from an {@link InferenceClient}.
 *
 * <p><b>Threading:</b> every callback of one request runs on the same I/O thread, in stream
 * order, and must not block: it delays every other stream served by that thread. Hand slow work
 * (tokenizing, writing files) to another thread.
 *
 * <p><b>Order:</b> {@link #onRequestSent} (absent when no connection was made), then
 * {@link #onResponseHeaders}, then any number of {@link #onTokenEvent}, {@link #onUsage} and
 * {@link #onFinishReason} calls, then exactly one terminal callback: {@link #onComplete} or
 * {@link #onFailure}. Nothing follows the terminal callback.
 *
 * <p><b>Times</b> are {@code System.nanoTime()} values.
 */
public interface StreamListener {
    /**
     * The request's first byte was written to the socket.
     *
     * @param sendNanos when the write started, the {@code send} time of every latency metric
     */
    void onRequestSent(long sendNanos);

    /**
     * The status line and headers arrived. A non-2xx status is followed by
     * {@link #onFailure} with {@link ErrorKind#HTTP}.
     */
    void onResponseHeaders(int httpStatus, long arrivalNanos);

    /** A token event arrived; see {@link TokenEvent} for what counts and how long it is valid. */
    void onTokenEvent(TokenEvent event);

    /**
     * A chunk carried a {@code usage} object. With {@code continuous_usage_stats} this is called
     * for every chunk, with cumulative counts; otherwise once, near the end of the stream. When
     * one chunk carries both tokens and usage, {@link #onTokenEvent} is called first.
     *
     * @param promptTokens {@code usage.prompt_tokens}, or {@code -1} when absent
     * @param completionTokens {@code usage.completion_tokens}, or {@code -1} when absent
     */
    void onUsage(long arrivalNanos, int promptTokens, int completionTokens);

    /** A choice carried a non-null {@code finish_reason} such as {@code stop} or {@code length}. */
    void onFinishReason(String finishReason);

    /**
     * The stream ended normally: {@code [DONE]} arrived, or the server closed the response after
     * a {@code finish_reason}.
     *
     * @param endNanos arrival of {@code [DONE]} or of the end of the response
     */
    void onComplete(long endNanos);

    /**
     * The request failed. Terminal: no other callback follows.
     *
     * @param failure what went wrong, when, and what the server said
     */
    void onFailure(RequestFailure failure);
}
