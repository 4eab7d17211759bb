package io.tokenmark.netty.sse;

/**
 * Receives the events an {@link SseEventDecoder} dispatches.
 *
 * <p>Called on the thread that calls {@link SseEventDecoder#decode}, once per event, in stream
 * order. The event object is reused; see {@link SseEvent} for how long it is valid.
 */
@FunctionalInterface
public interface SseEventListener {
    /**
     * Handles one dispatched event. An exception thrown here propagates out of
     * {@link SseEventDecoder#decode} after the decoder has released the event's data; the
     * decoder's state is then undefined, so {@link SseEventDecoder#reset()} it before reuse.
     */
    void onEvent(SseEvent event);
}
