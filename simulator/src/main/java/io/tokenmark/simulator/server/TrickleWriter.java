package io.tokenmark.simulator.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import io.tokenmark.simulator.truth.TruthRecorder;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Sends a response body one byte at a time at a fixed interval, for the {@code trickle} fault.
 * Bytes handed to {@link #append} queue up; the first is sent at once, every further one an
 * interval later. Token events record their truth time when their last byte is written.
 *
 * <p><b>Threading:</b> event loop only. <b>Buffers:</b> takes ownership of every appended
 * buffer; {@link #release()} frees what was not sent.
 */
final class TrickleWriter {
    private final ChannelHandlerContext ctx;
    private final long intervalNanos;
    private final TruthRecorder truth;
    private final CompositeByteBuf pending;

    /** Byte offsets at which token events end, and their truth indexes, in order. */
    private long[] eventEnds = new long[16];
    private int[] eventIndexes = new int[16];
    private int eventHead;
    private int eventTail;

    private long appended;
    private long written;
    private ScheduledFuture<?> timer;
    private boolean finishing;
    private boolean released;

    TrickleWriter(ChannelHandlerContext ctx, long intervalNanos, TruthRecorder truth) {
        this.ctx = ctx;
        this.intervalNanos = intervalNanos;
        this.truth = truth;
        this.pending = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
        // The send timer also releases on a closed channel, but a server shutdown cancels it.
        ctx.channel().closeFuture().addListener(closed -> release());
    }

    /**
     * Queues bytes to send.
     *
     * @param truthIndex the token event's index in the truth recorder, or {@code -1} for bytes
     *     that carry no token
     */
    void append(ByteBuf bytes, int truthIndex) {
        if (released) {
            bytes.release();
            return;
        }
        appended += bytes.readableBytes();
        pending.addComponent(true, bytes);
        if (truthIndex >= 0) {
            if (eventTail == eventEnds.length) {
                eventEnds = Arrays.copyOf(eventEnds, eventTail * 2);
                eventIndexes = Arrays.copyOf(eventIndexes, eventTail * 2);
            }
            eventEnds[eventTail] = appended;
            eventIndexes[eventTail++] = truthIndex;
        }
        if (timer == null) {
            sendOne();
        }
    }

    /** Closes the connection once every queued byte has been sent. */
    void finishAndClose() {
        finishing = true;
        if (timer == null && pending.readableBytes() == 0) {
            closeNow();
        }
    }

    /** Stops sending and frees the queued bytes. */
    void release() {
        if (released) {
            return;
        }
        released = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        pending.release();
    }

    private void sendOne() {
        timer = null;
        if (released) {
            return;
        }
        if (!ctx.channel().isActive()) {
            release();
            return;
        }
        if (pending.readableBytes() == 0) {
            if (finishing) {
                closeNow();
            }
            return;
        }
        // A copy, not a slice: discarding read components shifts the composite's indexes.
        ByteBuf one = ctx.alloc().buffer(1).writeByte(pending.readByte());
        pending.discardReadComponents();
        ctx.writeAndFlush(one, ctx.voidPromise());
        written++;
        while (eventHead < eventTail && eventEnds[eventHead] <= written) {
            truth.setEventNanos(eventIndexes[eventHead++], System.nanoTime());
        }
        timer = ctx.executor().schedule(this::sendOne, intervalNanos, TimeUnit.NANOSECONDS);
    }

    private void closeNow() {
        release();
        ctx.channel().close().addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }
}
