package io.tokenmark.netty.sse;

import io.netty.handler.codec.TooLongFrameException;

/**
 * An SSE event grew past the decoder's size limit before its terminating blank line arrived.
 * The decoder has released everything it held and ignores further input until
 * {@link SseEventDecoder#reset()}.
 */
public final class SseEventTooLargeException extends TooLongFrameException {
    private static final long serialVersionUID = 1L;

    private final long eventBytes;
    private final int maxEventBytes;

    SseEventTooLargeException(long eventBytes, int maxEventBytes) {
        super("SSE event exceeds the limit of " + maxEventBytes + " bytes (at least " + eventBytes
                + " bytes received without a terminating blank line); raise maxEventBytes if the"
                + " server really sends events this large");
        this.eventBytes = eventBytes;
        this.maxEventBytes = maxEventBytes;
    }

    /** Returns the bytes of the event received when the limit was exceeded. */
    public long eventBytes() {
        return eventBytes;
    }

    /** Returns the limit in force, in bytes. */
    public int maxEventBytes() {
        return maxEventBytes;
    }
}
