package io.tokenmark.core.client;

/**
 * A request in flight, returned by {@link InferenceClient#send}.
 *
 * <p>Thread-safe: {@link #cancel()} may be called from any thread, any number of times.
 */
public interface RequestHandle {
    /**
     * Aborts the request if it has not ended. The listener then receives
     * {@link StreamListener#onFailure} with {@link ErrorKind#CANCELLED}, unless it already
     * received its terminal callback. Never blocks.
     */
    void cancel();
}
