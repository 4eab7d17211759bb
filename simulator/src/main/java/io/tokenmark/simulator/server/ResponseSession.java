package io.tokenmark.simulator.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.tokenmark.simulator.engine.Sequence;
import io.tokenmark.simulator.engine.SequenceListener;
import io.tokenmark.simulator.fault.Fault;
import io.tokenmark.simulator.openai.CompletionRequest;
import io.tokenmark.simulator.openai.OutputPlan;
import io.tokenmark.simulator.truth.RequestTruth;
import io.tokenmark.simulator.truth.TruthRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One completion request being served: it owns the engine sequence, writes the response as the
 * engine produces tokens, applies the request's fault, and records the ground truth.
 *
 * <p>Subclasses decide the response's shape: {@link StreamingSession} writes server-sent events,
 * {@link BufferedSession} one JSON body at the end.
 *
 * <p><b>Threading:</b> event loop only. <b>Ground truth:</b> a token event's time is
 * {@code System.nanoTime()} when its write completed, that is, when the socket took the bytes.
 * That is right after {@code writeAndFlush} when the socket buffer has room; otherwise the write
 * promise's listener records it when the backlog drains. This costs one promise per token
 * event, the one allocation per event besides the pooled buffer.
 */
abstract class ResponseSession implements SequenceListener, ChannelFutureListener {
    private static final Logger LOG = LoggerFactory.getLogger(ResponseSession.class);

    /** Receives the end of a session, to resume reading the connection or close it. */
    interface Owner {
        /**
         * The response is complete or abandoned.
         *
         * @param connectionReusable whether the next request may be read from the connection
         */
        void sessionEnded(ResponseSession session, boolean connectionReusable);
    }

    final ChannelHandlerContext ctx;
    final ServerContext server;
    final CompletionRequest request;
    final OutputPlan plan;
    final int promptTokens;
    final Fault fault;
    final String requestId;
    final String completionId;
    final boolean keepAlive;
    final long receivedNanos;
    final TruthRecorder truth;
    private final Owner owner;

    Sequence sequence;
    TrickleWriter trickle;
    /** Tokens and token events delivered so far. */
    int tokensSent;
    int tokenEventsSent;
    /** Whether a fault that does not end the response has been applied. */
    boolean faultApplied;
    private boolean started;
    private boolean ended;

    private int pendingFlushes;
    private int firstPendingIndex;
    private RequestTruth.Outcome outcomeWhenFlushed;

    ResponseSession(ChannelHandlerContext ctx, ServerContext server, CompletionRequest request,
            OutputPlan plan, int promptTokens, Fault fault, String requestId,
            String completionId, boolean keepAlive, long receivedNanos, TruthRecorder truth,
            Owner owner) {
        this.ctx = ctx;
        this.server = server;
        this.request = request;
        this.plan = plan;
        this.promptTokens = promptTokens;
        this.fault = fault;
        this.requestId = requestId;
        this.completionId = completionId;
        this.keepAlive = keepAlive;
        this.receivedNanos = receivedNanos;
        this.truth = truth;
        this.owner = owner;
    }

    /**
     * Starts serving: writes what comes before the first token and submits the sequence to the
     * engine. Does nothing if the connection closed meanwhile (the {@code slow_headers} fault
     * calls this late).
     */
    final void start() {
        if (ended || started) {
            return;
        }
        started = true;
        if (fault.kind() == Fault.Kind.HEADERS_NEVER) {
            // Nothing is ever sent; the session lasts until the client gives up.
            truth.publish(RequestTruth.Outcome.FAULT_INJECTED, System.nanoTime());
            return;
        }
        if (fault.kind() == Fault.Kind.TRICKLE) {
            trickle = new TrickleWriter(ctx, fault.millis() * 1_000_000L, truth);
        }
        begin();
        sequence = new Sequence(promptTokens, plan.outputTokens(), this);
        // The engine counts the request from when it was received. A start delayed by the
        // slow_headers fault counts from now.
        boolean delayed = fault.kind() == Fault.Kind.SLOW_HEADERS;
        server.driver.submit(sequence, delayed ? System.nanoTime() : receivedNanos);
    }

    /** Writes what precedes the first token, such as the streamed response's headers. */
    abstract void begin();

    /** Returns whether the response is complete or abandoned; later engine callbacks do nothing. */
    final boolean isEnded() {
        return ended;
    }

    /** Ends the session because the client closed the connection or the server is stopping. */
    final void onChannelClosed() {
        releaseTrickle();
        if (ended) {
            return;
        }
        ended = true;
        abortSequence();
        truth.publish(server.isClosing()
                ? RequestTruth.Outcome.SERVER_CLOSED
                : RequestTruth.Outcome.CLIENT_CLOSED, System.nanoTime());
    }

    /**
     * Applies a fault that ends the response: {@code reset}, {@code stall} or {@code close}.
     * Subclasses handle {@code error}, whose shape depends on the response.
     */
    final void applyConnectionFault() {
        LOG.debug("request {}: injecting fault {} after {} token events", requestId, fault,
                tokenEventsSent);
        switch (fault.kind()) {
            case RESET -> {
                truth.publish(RequestTruth.Outcome.FAULT_INJECTED, System.nanoTime());
                endSession(false);
                // SO_LINGER 0 makes close() send RST instead of FIN.
                ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                ctx.channel().close();
            }
            case STALL -> {
                truth.publish(RequestTruth.Outcome.FAULT_INJECTED, System.nanoTime());
                // Ends the session but keeps the connection open and silent; its owner does not
                // read further requests from it.
                ended = true;
                abortSequence();
            }
            case CLOSE -> {
                truth.publish(RequestTruth.Outcome.FAULT_INJECTED, System.nanoTime());
                endSession(false);
                if (started && headersSent()) {
                    writeEndAndClose();
                } else {
                    ctx.channel().close();
                }
            }
            default -> throw new IllegalStateException(
                    "fault " + fault + " does not end the connection");
        }
    }

    /** Whether response headers have been written. */
    abstract boolean headersSent();

    /** Writes bytes that carry no token: through the trickle when it is active. */
    final void writeBody(ByteBuf bytes) {
        if (trickle != null) {
            trickle.append(bytes, -1);
        } else {
            ctx.writeAndFlush(bytes, ctx.voidPromise());
        }
    }

    /** Writes a token event and records its flush time in the ground truth. */
    final void writeTokenEvent(ByteBuf bytes, int tokens) {
        int index = truth.addEvent(tokens);
        if (trickle != null) {
            trickle.append(bytes, index);
            return;
        }
        ChannelPromise promise = ctx.newPromise();
        ctx.writeAndFlush(bytes, promise);
        if (promise.isDone() && pendingFlushes == 0) {
            truth.setEventNanos(index, System.nanoTime());
            return;
        }
        // Writes complete in order, so pending events form a run of consecutive indexes.
        if (pendingFlushes == 0) {
            firstPendingIndex = index;
        }
        pendingFlushes++;
        promise.addListener(this);
    }

    /** Records the flush time of the oldest pending token event. */
    @Override
    public final void operationComplete(ChannelFuture future) {
        truth.setEventNanos(firstPendingIndex++, future.isSuccess() ? System.nanoTime() : -1);
        pendingFlushes--;
        if (pendingFlushes == 0 && outcomeWhenFlushed != null) {
            truth.publish(outcomeWhenFlushed, System.nanoTime());
        }
    }

    /**
     * Publishes the ground truth once every token event's flush time is known: now, or when the
     * last pending write completes.
     */
    final void publishWhenFlushed(RequestTruth.Outcome outcome) {
        if (pendingFlushes == 0) {
            truth.publish(outcome, System.nanoTime());
        } else {
            outcomeWhenFlushed = outcome;
        }
    }

    /** Adds the headers every response carries and sets keep-alive or trickle framing. */
    final void prepareHeaders(HttpResponse response, boolean chunked) {
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        response.headers().set(HttpApiHandler.REQUEST_ID_HEADER, requestId);
        if (trickle != null) {
            // The trickled body is delimited by the connection's end, so it is sent raw.
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (chunked) {
            HttpUtil.setTransferEncodingChunked(response, true);
            HttpUtil.setKeepAlive(response, keepAlive);
        } else {
            HttpUtil.setKeepAlive(response, keepAlive);
        }
    }

    /**
     * Ends the HTTP response normally and the session with it: keeps the connection for the
     * next request when keep-alive allows, else closes it once the bytes are out.
     */
    final void writeEndAndFinish() {
        if (trickle != null) {
            endSession(false);
            trickle.finishAndClose();
            return;
        }
        // The end is written before the owner may start the next request on this connection.
        ChannelFuture done = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (!keepAlive) {
            done.addListener(ChannelFutureListener.CLOSE);
        }
        endSession(keepAlive);
    }

    private void writeEndAndClose() {
        if (trickle != null) {
            trickle.finishAndClose();
            return;
        }
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** Marks the session over, removes its sequence from the engine and notifies the owner. */
    final void endSession(boolean connectionReusable) {
        if (ended) {
            return;
        }
        ended = true;
        abortSequence();
        owner.sessionEnded(this, connectionReusable);
    }

    private void abortSequence() {
        if (sequence != null && !sequence.isFinished()) {
            server.driver.abort(sequence);
        }
    }

    private void releaseTrickle() {
        if (trickle != null) {
            trickle.release();
        }
    }
}
