/**
 * TokenMark's HTTP/SSE client for OpenAI-compatible streaming endpoints.
 *
 * <p>Start with {@link io.tokenmark.netty.NettyInferenceClient}. The work is split by concept:
 * {@code sse} decodes Server-Sent Events from Netty buffers, {@code openai} writes request bodies
 * and applies the OpenAI stream semantics, and {@code http} contains the transport (event loops,
 * keep-alive pool, TLS, timeouts, per-read timestamps).
 *
 * <p>Timing: the one {@code System.nanoTime()} taken per socket read, ahead of TLS and HTTP
 * decoding, is the arrival time of every event that read completes; a request's send time is
 * taken just before its first byte is written.
 */
package io.tokenmark.netty;
