package io.tokenmark.netty.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.tokenmark.core.client.ErrorKind;
import io.tokenmark.core.client.RequestFailure;
import io.tokenmark.netty.openai.OpenAiStreamReader;
import io.tokenmark.netty.sse.SseEventDecoder;
import io.tokenmark.netty.sse.SseEventTooLargeException;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a client connection: writes one exchange's request and turns the response
 * into listener callbacks. A 2xx body goes through the {@link SseEventDecoder} into the
 * {@link OpenAiStreamReader}; any other status collects the first
 * {@link RequestFailure#MAX_BODY_BYTES} bytes of the body and fails with {@code http_<status>},
 * also when a reset, a close or the read timeout cuts that body short.
 *
 * <p><b>Connection fate.</b> A connection goes back to the pool once its response has been read
 * to the end, if the response allows keep-alive. A stream that completed with {@code [DONE]}, or
 * failed with an in-band error or an HTTP status, is read to the end of its body; its terminal
 * callback is delivered after the read that decided it, and after the release when the body ends
 * in that same read, so a request sent from the callback can reuse the connection. A timeout, a
 * cancellation, a malformed event, a truncated stream, an oversized error body or a transport
 * error closes the connection instead.
 *
 * <p><b>Read timeout:</b> while an exchange is attached, a timer checks the time since the latest
 * socket read (or the send, before any read); when it reaches {@code readTimeoutMillis} the
 * request fails with {@code read_timeout}.
 *
 * <p>One instance per channel; every method runs on the channel's event loop.
 */
final class ResponseHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ResponseHandler.class);

    private final SocketTimestampHandler clock;
    private final SseEventDecoder decoder;
    private final OpenAiStreamReader reader;
    private final long readTimeoutNanos;

    private ChannelHandlerContext ctx;
    private Exchange exchange;
    private long sendNanos;
    private int status;
    private boolean informational;
    private boolean keepAlive;
    private String contentType;
    private byte[] errorBody;
    private int errorBodyLength;
    private ScheduledFuture<?> readTimer;

    // A terminal outcome decided during the current read, delivered after the connection is
    // settled or when the read batch ends, whichever comes first.
    private boolean terminalPending;
    private ErrorKind pendingKind;
    private String pendingMessage;
    private String pendingBody;
    private long pendingNanos;

    ResponseHandler(SocketTimestampHandler clock, boolean retainText,
            int maxEventBytes, long readTimeoutMillis) {
        this.clock = clock;
        this.reader = new OpenAiStreamReader(retainText);
        this.decoder = new SseEventDecoder(maxEventBytes, reader);
        this.readTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(readTimeoutMillis);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Attaches {@code next}, writes its request and reports the send time. */
    void begin(Exchange next) {
        exchange = next;
        status = 0;
        informational = false;
        keepAlive = true;
        contentType = null;
        errorBody = null;
        errorBodyLength = 0;
        terminalPending = false;
        decoder.reset();
        reader.start(next.listener);

        long beforeWrite = System.nanoTime();
        ChannelFuture written = ctx.channel().writeAndFlush(next.request);
        // The flush has passed the socket end of the pipeline by now, unless the write failed.
        sendNanos = clock.lastFlushNanos() >= beforeWrite ? clock.lastFlushNanos() : beforeWrite;
        next.sent(sendNanos);
        written.addListener(future -> {
            if (!future.isSuccess() && exchange == next) {
                failAndClose(ErrorKind.CONNECTION_RESET,
                        "failed to send the request: " + describe(future.cause()), System.nanoTime());
            }
        });
        if (readTimeoutNanos > 0) {
            scheduleReadTimer(readTimeoutNanos);
        }
    }

    /** Fails {@code target} with {@code kind} and closes the connection, if it is still attached. */
    void abort(Exchange target, ErrorKind kind, String message) {
        if (exchange == target) {
            failAndClose(kind, message, System.nanoTime());
        } else {
            // Not attached here (any more): no status of this handler belongs to it.
            target.fail(kind, 0, message, null, System.nanoTime());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (exchange == null) {
                log.debug("closing {}: data arrived while no request was in flight", ctx.channel());
                ctx.close();
                return;
            }
            long now = clock.lastReadNanos();
            if (msg instanceof HttpResponse response) {
                onResponse(response, now);
            }
            if (msg instanceof HttpContent content && exchange != null) {
                onContent(content, now);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onResponse(HttpResponse response, long now) {
        if (response.decoderResult().isFailure()) {
            failAndClose(ErrorKind.CONNECTION_RESET,
                    "invalid HTTP response: " + describe(response.decoderResult().cause()), now);
            return;
        }
        int code = response.status().code();
        if (code >= 100 && code < 200) {
            // An interim response such as 100 Continue; the real one follows.
            informational = true;
            return;
        }
        status = code;
        keepAlive = HttpUtil.isKeepAlive(response);
        contentType = response.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (!exchange.isTerminated()) {
            try {
                exchange.listener.onResponseHeaders(code, now);
            } catch (RuntimeException e) {
                processingFailed(e, now);
                return;
            }
        }
        if (code < 200 || code > 299) {
            errorBody = new byte[RequestFailure.MAX_BODY_BYTES];
        }
    }

    private void onContent(HttpContent content, long now) {
        boolean last = content instanceof LastHttpContent;
        if (informational) {
            informational = !last;
            return;
        }
        if (content.decoderResult().isFailure()) {
            failAndClose(ErrorKind.CONNECTION_RESET,
                    "invalid HTTP response body: " + describe(content.decoderResult().cause()), now);
            return;
        }

        if (!exchange.isTerminated() && !terminalPending) {
            if (errorBody != null) {
                if (!collectErrorBody(content.content(), last, now)) {
                    return;
                }
            } else if (!decodeStream(content.content(), last, now)) {
                return;
            }
        }
        if (last) {
            settle(keepAlive);
        }
    }

    /** Feeds SSE bytes through; returns {@code false} when the connection was closed. */
    private boolean decodeStream(ByteBuf bytes, boolean last, long now) {
        try {
            decoder.decode(bytes, now);
            if (last) {
                decoder.finish();
                reader.endOfStream(now, contentType);
            }
        } catch (SseEventTooLargeException e) {
            failAndClose(ErrorKind.MALFORMED_EVENT, e.getMessage(), now);
            return false;
        } catch (RuntimeException e) {
            processingFailed(e, now);
            return false;
        }

        switch (reader.outcome()) {
            case COMPLETED -> pendTerminal(null, null, null, reader.endNanos());
            case FAILED -> {
                ErrorKind kind = reader.failureKind();
                if (kind == ErrorKind.MALFORMED_EVENT || kind == ErrorKind.TRUNCATED) {
                    // The rest of a stream that broke the format is not worth reading, and a
                    // server that cut a stream short is likely to close its connection next.
                    failAndClose(kind, reader.failureMessage(), reader.endNanos());
                    return false;
                }
                pendTerminal(kind, reader.failureMessage(), null, reader.endNanos());
            }
            default -> {
            }
        }
        return true;
    }

    /**
     * Keeps the first bytes of an error body and fails the exchange at the body's end, or as
     * soon as the kept part is full; returns {@code false} when the connection was closed.
     */
    private boolean collectErrorBody(ByteBuf bytes, boolean last, long now) {
        int room = errorBody.length - errorBodyLength;
        int take = Math.min(room, bytes.readableBytes());
        bytes.getBytes(bytes.readerIndex(), errorBody, errorBodyLength, take);
        errorBodyLength += take;
        boolean overflow = bytes.readableBytes() > room;
        if (!last && !overflow) {
            return true;
        }

        String body = HttpErrors.bodyText(errorBody, errorBodyLength);
        pendTerminal(ErrorKind.HTTP, HttpErrors.message(status, body), body, now);
        if (!last) {
            // The rest of a long error body would only be discarded; close instead of draining.
            settle(false);
            return false;
        }
        return true;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            deliverPendingTerminal(exchange);
        }
        ctx.fireChannelReadComplete();
    }

    /**
     * Records a terminal outcome ({@code kind == null} for success). Delivering it only after
     * the current read lets the response's final chunk, which usually arrives in the same read
     * as {@code [DONE]}, release the connection first, so a request sent from the terminal
     * callback reuses it. The times reported are those of the event, not of the delivery.
     */
    private void pendTerminal(ErrorKind kind, String message, String body, long nanos) {
        terminalPending = true;
        pendingKind = kind;
        pendingMessage = message;
        pendingBody = body;
        pendingNanos = nanos;
    }

    private void deliverPendingTerminal(Exchange target) {
        if (!terminalPending) {
            return;
        }
        terminalPending = false;
        if (pendingKind == null) {
            target.complete(pendingNanos);
        } else {
            target.fail(pendingKind, status, pendingMessage, pendingBody, pendingNanos);
        }
        pendingMessage = null;
        pendingBody = null;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            String message = status == 0
                    ? "the server closed the connection before sending a response"
                    : "the server closed the connection before the response was complete";
            failAndClose(ErrorKind.CONNECTION_RESET, message, System.nanoTime());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (exchange != null) {
            failAndClose(ErrorKind.CONNECTION_RESET, describe(cause), System.nanoTime());
        } else {
            log.debug("closing idle connection {} after an error", ctx.channel(), cause);
            ctx.close();
        }
    }

    /** Fails the request after its listener (or, by a bug, the decoder) threw. */
    private void processingFailed(RuntimeException e, long now) {
        log.warn("request {}: processing the response threw; failing the request and closing"
                + " its connection", exchange.requestId, e);
        failAndClose(ErrorKind.CANCELLED, "processing the response failed: " + e
                + " (thrown by the stream listener or the decoder; the log has the stack trace)", now);
    }

    private void failAndClose(ErrorKind kind, String message, long now) {
        // An outcome already decided wins; the failure call is then a no-op.
        deliverPendingTerminal(exchange);
        if (errorBody != null && kind != ErrorKind.CANCELLED) {
            // The non-2xx status already failed the request, so a reset, close or read timeout
            // that cuts its body short does not turn it into a transport failure.
            String body = HttpErrors.bodyText(errorBody, errorBodyLength);
            exchange.fail(ErrorKind.HTTP, status,
                    HttpErrors.message(status, body) + " (" + message + ")", body, now);
        } else {
            exchange.fail(kind, status, message, null, now);
        }
        settle(false);
    }

    /** Detaches the exchange and releases or closes the connection. */
    private void settle(boolean reusable) {
        Exchange done = exchange;
        exchange = null;
        cancelReadTimer();
        decoder.reset();
        errorBody = null;
        if (reusable && ctx.channel().isActive()) {
            done.transport.pool().release(ctx.channel());
        } else {
            ctx.close();
        }
        deliverPendingTerminal(done);
    }

    private void scheduleReadTimer(long delayNanos) {
        readTimer = ctx.executor().schedule(this::checkReadIdle, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void cancelReadTimer() {
        if (readTimer != null) {
            readTimer.cancel(false);
            readTimer = null;
        }
    }

    private void checkReadIdle() {
        readTimer = null;
        if (exchange == null) {
            return;
        }
        long now = System.nanoTime();
        long idleNanos = now - Math.max(sendNanos, clock.lastReadNanos());
        if (idleNanos < readTimeoutNanos) {
            scheduleReadTimer(readTimeoutNanos - idleNanos);
            return;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(readTimeoutNanos);
        failAndClose(ErrorKind.READ_TIMEOUT, "no bytes arrived for " + millis
                + " ms; raise the read timeout (--read-timeout; readTimeoutMillis in"
                + " ClientOptions), or set it to 0 to turn it off", now);
    }

    private static String describe(Throwable cause) {
        if (cause instanceof SSLException) {
            return "TLS error: " + cause.getMessage();
        }
        if (cause instanceof IOException && cause.getMessage() != null) {
            return "connection error: " + cause.getMessage();
        }
        return cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
