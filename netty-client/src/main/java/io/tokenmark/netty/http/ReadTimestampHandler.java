package io.tokenmark.netty.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Takes {@code System.nanoTime()} once per socket read, before any decoding, so every message
 * that read produces downstream (TLS records, HTTP chunks, SSE events) carries the same arrival
 * time.
 *
 * <p>Placed first in the pipeline, ahead of TLS and the HTTP codec, because those may hold bytes
 * back and emit them later; the read that completed an event is what the metrics define as its
 * arrival. One instance per channel; read {@link #lastReadNanos()} on the channel's event loop.
 */
public final class ReadTimestampHandler extends ChannelInboundHandlerAdapter {
    private long lastReadNanos = -1;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastReadNanos = System.nanoTime();
        ctx.fireChannelRead(msg);
    }

    /** {@code System.nanoTime()} of the latest socket read, or {@code -1} before the first. */
    public long lastReadNanos() {
        return lastReadNanos;
    }
}
