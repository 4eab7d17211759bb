/**
 * The HTTP/1.1 transport: event loops (epoll or NIO), a keep-alive connection pool, TLS, per-read
 * timestamps, read-idle and total timeouts, cancellation and the mapping of transport faults to
 * error kinds.
 */
package io.tokenmark.netty.http;
