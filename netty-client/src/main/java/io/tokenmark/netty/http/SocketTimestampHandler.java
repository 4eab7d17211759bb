package io.tokenmark.netty.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;

/**
 * Takes {@code System.nanoTime()} once per socket read and once per flush, at the socket end of
 * the pipeline.
 *
 * <p><b>Reads:</b> placed first in the pipeline, ahead of TLS and the HTTP codec (which may hold
 * bytes back and emit them later), so every message one read produces downstream (TLS records,
 * HTTP chunks, SSE events) carries that read's time: the metrics define an event's arrival as
 * the read that completed it.
 *
 * <p><b>Flushes:</b> the flush reaches this handler after the request has been encoded (and
 * encrypted), right before the transport writes it to the socket, so its time is when the
 * request's first byte is written. Taking the time earlier, before encoding, would add the
 * encoder's work (class loading and JIT on a cold JVM: tens of milliseconds) to every latency.
 *
 * <p>One instance per channel; read the times on the channel's event loop.
 */
public final class SocketTimestampHandler extends ChannelDuplexHandler {
    private long lastReadNanos = -1;
    private long lastFlushNanos = -1;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastReadNanos = System.nanoTime();
        ctx.fireChannelRead(msg);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        lastFlushNanos = System.nanoTime();
        ctx.flush();
    }

    /** {@code System.nanoTime()} of the latest socket read, or {@code -1} before the first. */
    public long lastReadNanos() {
        return lastReadNanos;
    }

    /** {@code System.nanoTime()} of the latest flush to the socket, or {@code -1} before the first. */
    public long lastFlushNanos() {
        return lastFlushNanos;
    }
}
