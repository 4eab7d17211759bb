package io.tokenmark.netty.http;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.concurrent.ScheduledFuture;
import io.tokenmark.core.client.ErrorKind;
import io.tokenmark.core.client.RequestFailure;
import io.tokenmark.core.client.RequestHandle;
import io.tokenmark.core.client.StreamListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request from {@code send} to its terminal callback: the handle the caller cancels, the
 * guard that delivers exactly one terminal callback, and the request's deadline.
 *
 * <p><b>Threading.</b> Until the pool assigns an event loop ({@link #owner}), the exchange is
 * either waiting in the pool's queue, where only the pool's lock reaches it, or failing on some
 * event loop after being removed from that queue. Once assigned, every callback and state change
 * runs on {@code owner}: a new connection is opened on that loop, and an idle connection's loop
 * becomes the owner. Calls from other threads ({@link #cancel()}, the deadline) are routed
 * through {@link HttpStreamTransport#abort}.
 */
final class Exchange implements RequestHandle {
    private static final Logger log = LoggerFactory.getLogger(Exchange.class);

    final HttpStreamTransport transport;
    final String requestId;
    final StreamListener listener;
    final FullHttpRequest request;

    /** The event loop that owns this exchange; written under the pool's lock. */
    volatile EventLoop owner;
    /** Set by an abort from any thread, so a queued start does not write the request. */
    volatile boolean abortRequested;
    /** A connection being opened for this exchange, closed if the exchange is aborted. */
    volatile Channel connectingChannel;

    private volatile boolean terminated;
    private volatile ScheduledFuture<?> deadlineTimer;
    private ResponseHandler handler;

    Exchange(HttpStreamTransport transport, String requestId, StreamListener listener,
            FullHttpRequest request) {
        this.transport = transport;
        this.requestId = requestId;
        this.listener = listener;
        this.request = request;
    }

    @Override
    public void cancel() {
        transport.abort(this, "cancelled by the caller");
    }

    boolean isTerminated() {
        return terminated;
    }

    void deadline(ScheduledFuture<?> timer) {
        deadlineTimer = timer;
        if (terminated) {
            timer.cancel(false);
        }
    }

    /** Starts the request on {@code channel}; runs on the channel's event loop. */
    void start(Channel channel) {
        // From here the channel is no longer being opened for this exchange: an abort queued
        // behind this task must not close it, because the pool may already have handed it on.
        connectingChannel = null;
        if (terminated || abortRequested) {
            // The abort that set the flag is queued behind this task and fails the exchange.
            transport.pool().release(channel);
            return;
        }
        handler = channel.pipeline().get(ResponseHandler.class);
        handler.begin(this);
    }

    /** Reports a connection that could not be opened; runs on the owner. */
    void connectFailed(Throwable cause) {
        connectingChannel = null;
        if (terminated) {
            return;
        }
        String message = transport.describeConnectFailure(cause);
        log.debug("request {}: {}", requestId, message, cause);
        fail(ErrorKind.CONNECT_FAILED, 0, message, null, System.nanoTime());
    }

    /** Aborts the request on its owner loop: fails it and closes its connection. */
    void abortOnOwner(String message) {
        if (terminated) {
            return;
        }
        Channel connecting = connectingChannel;
        if (handler != null) {
            handler.abort(this, ErrorKind.CANCELLED, message);
        } else {
            fail(ErrorKind.CANCELLED, 0, message, null, System.nanoTime());
        }
        if (connecting != null) {
            connecting.close();
        }
    }

    /** Delivers {@code onRequestSent}; runs on the owner. */
    void sent(long sendNanos) {
        try {
            listener.onRequestSent(sendNanos);
        } catch (RuntimeException e) {
            log.warn("request {}: listener threw from onRequestSent; continuing", requestId, e);
        }
    }

    /** Delivers {@code onComplete} unless a terminal callback was delivered already. */
    void complete(long endNanos) {
        if (!markTerminated()) {
            return;
        }
        try {
            listener.onComplete(endNanos);
        } catch (RuntimeException e) {
            log.warn("request {}: listener threw from onComplete", requestId, e);
        }
    }

    /**
     * Delivers {@code onFailure}, with the API key redacted from the message and body, unless a
     * terminal callback was delivered already.
     */
    void fail(ErrorKind kind, int httpStatus, String message, String body, long failedNanos) {
        if (!markTerminated()) {
            return;
        }
        try {
            listener.onFailure(new RequestFailure(kind, httpStatus, transport.redact(message),
                    transport.redact(body), failedNanos));
        } catch (RuntimeException e) {
            log.warn("request {}: listener threw from onFailure", requestId, e);
        }
    }

    private boolean markTerminated() {
        if (terminated) {
            return false;
        }
        terminated = true;
        ScheduledFuture<?> timer = deadlineTimer;
        if (timer != null) {
            timer.cancel(false);
        }
        transport.removeInFlight(this);
        return true;
    }

    @Override
    public String toString() {
        return "Exchange[requestId=" + requestId + ", terminated=" + terminated + "]";
    }
}
