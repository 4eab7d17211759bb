/**
 * Server-Sent Events decoding over Netty {@code ByteBuf}s, independent of HTTP and of OpenAI.
 *
 * <p>{@link io.tokenmark.netty.sse.SseEventDecoder} turns a byte stream into events and hands
 * each to an {@link io.tokenmark.netty.sse.SseEventListener} as a reused
 * {@link io.tokenmark.netty.sse.SseEvent} view over the received bytes. The decoder copies no
 * bytes of a single-line event and decodes no UTF-8; the listener decides what to parse.
 */
package io.tokenmark.netty.sse;
