package io.tokenmark.netty.sse;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * One dispatched Server-Sent Event, as {@link SseEventDecoder} hands it to its
 * {@link SseEventListener}.
 *
 * <p><b>Lifetime:</b> the decoder reuses one instance for every event of a stream and releases
 * the data bytes when {@link SseEventListener#onEvent} returns, so the object and its buffer are
 * valid only during that call. Copy what you keep. Never release {@link #dataBuffer()} or
 * {@link #data()}: the decoder owns them.
 *
 * <p>The data is raw UTF-8 as it arrived, with the lines of a multi-line {@code data} field
 * joined by LF. Nothing is decoded to characters unless a caller asks for it with
 * {@link #dataAsString()}.
 */
public final class SseEvent {
    /** The event type used when the event has no {@code event} field. */
    public static final String DEFAULT_TYPE = "message";

    private int index;
    private String type;
    private String lastEventId;
    private long arrivalNanos;
    private ByteBuf dataBuffer;
    private int dataIndex;
    private int dataLength;

    SseEvent() {
    }

    void set(int index, String type, String lastEventId, long arrivalNanos,
            ByteBuf dataBuffer, int dataIndex, int dataLength) {
        this.index = index;
        this.type = type;
        this.lastEventId = lastEventId;
        this.arrivalNanos = arrivalNanos;
        this.dataBuffer = dataBuffer;
        this.dataIndex = dataIndex;
        this.dataLength = dataLength;
    }

    void clear() {
        dataBuffer = null;
    }

    /** Returns the position of this event among the stream's dispatched events, from 0. */
    public int index() {
        return index;
    }

    /**
     * Returns the {@code event} field, or {@value #DEFAULT_TYPE} when the event had none or an
     * empty one.
     */
    public String type() {
        return type;
    }

    /**
     * Returns the stream's last event ID when this event was dispatched: the value of the most
     * recent {@code id} field, which persists across events; empty when the stream has set none.
     */
    public String lastEventId() {
        return lastEventId;
    }

    /**
     * Returns the {@code System.nanoTime()} of the socket read that delivered the blank line
     * completing this event.
     */
    public long arrivalNanos() {
        return arrivalNanos;
    }

    /**
     * Returns the buffer that contains the data bytes at {@link #dataIndex()}. Read it with
     * absolute {@code get} methods and leave its indexes and reference count alone.
     */
    public ByteBuf dataBuffer() {
        return dataBuffer;
    }

    /** Returns the absolute index of the first data byte in {@link #dataBuffer()}. */
    public int dataIndex() {
        return dataIndex;
    }

    /** Returns the number of data bytes; 0 for an event whose {@code data} field was empty. */
    public int dataLength() {
        return dataLength;
    }

    /**
     * Returns a slice over the data bytes. Allocates a small view object on every call, so the
     * per-event path should use {@link #dataBuffer()} and its index and length instead.
     */
    public ByteBuf data() {
        return dataBuffer.slice(dataIndex, dataLength);
    }

    /** Returns whether the data bytes equal {@code expected} byte for byte. */
    public boolean dataEquals(byte[] expected) {
        if (expected.length != dataLength) {
            return false;
        }
        for (int i = 0; i < dataLength; i++) {
            if (dataBuffer.getByte(dataIndex + i) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    /** Decodes the data as UTF-8, replacing malformed sequences with U+FFFD. Allocates. */
    public String dataAsString() {
        return dataBuffer.toString(dataIndex, dataLength, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "SseEvent[index=" + index + ", type=" + type + ", lastEventId=" + lastEventId
                + ", dataLength=" + dataLength + "]";
    }
}
