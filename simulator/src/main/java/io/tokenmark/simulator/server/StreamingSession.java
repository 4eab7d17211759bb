package io.tokenmark.simulator.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.tokenmark.core.client.ApiKind;
import io.tokenmark.simulator.engine.Sequence;
import io.tokenmark.simulator.fault.Fault;
import io.tokenmark.simulator.openai.ChunkEncoder;
import io.tokenmark.simulator.openai.CompletionRequest;
import io.tokenmark.simulator.openai.OutputPlan;
import io.tokenmark.simulator.truth.RequestTruth;
import io.tokenmark.simulator.truth.TruthRecorder;

/**
 * A streamed response ({@code "stream": true}): headers and, on the chat API, the role chunk at
 * once; then one token event per engine step; then the usage chunk when
 * {@code stream_options.include_usage} is set, and {@code data: [DONE]}.
 *
 * <p>The role chunk goes out before the first token, unlike vLLM, which sends it together with
 * the first token. A client that counts the role chunk as the first token then measures a TTFT
 * near zero, so the mistake shows.
 *
 * <p><b>Threading:</b> event loop only.
 */
final class StreamingSession extends ResponseSession {
    private static final String EVENT_STREAM = "text/event-stream; charset=utf-8";
    private static final String INJECTED_ERROR_TYPE = "server_error";

    private final ChunkEncoder encoder;
    private boolean headersSent;

    StreamingSession(ChannelHandlerContext ctx, ServerContext server, CompletionRequest request,
            OutputPlan plan, int promptTokens, Fault fault, String requestId,
            String completionId, boolean keepAlive, long receivedNanos, TruthRecorder truth,
            Owner owner) {
        super(ctx, server, request, plan, promptTokens, fault, requestId, completionId,
                keepAlive, receivedNanos, truth, owner);
        this.encoder = new ChunkEncoder(request.api(), completionId, server.createdSeconds,
                request.model(), promptTokens, plan, request.continuousUsageStats());
    }

    @Override
    void begin() {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, EVENT_STREAM);
        prepareHeaders(head, true);
        ctx.write(head, ctx.voidPromise());
        headersSent = true;
        if (request.api() == ApiKind.CHAT) {
            ByteBuf role = ctx.alloc().buffer(encoder.maxTokenChunkBytes(0));
            encoder.writeRoleChunk(role);
            writeBody(role);
        } else {
            ctx.flush();
        }
    }

    @Override
    boolean headersSent() {
        return headersSent;
    }

    @Override
    public void onTokens(Sequence sequence, int newTokens, long timeNanos) {
        if (isEnded()) {
            return;
        }
        if (faultDueNow()) {
            if (fault.kind().endsResponse()) {
                applyEndingFault();
                return;
            }
            writeCorruptEvent();
        }

        boolean last = sequence.isFinished();
        ByteBuf event = ctx.alloc().buffer(encoder.maxTokenChunkBytes(newTokens));
        encoder.writeTokenChunk(event, tokensSent, newTokens, last ? plan.finishReason() : null);
        tokensSent += newTokens;
        tokenEventsSent++;
        writeTokenEvent(event, newTokens);
        if (!last) {
            return;
        }

        // A fault set after more token events than the response has happens after the last.
        if (fault.kind().countsTokenEvents() && !faultApplied) {
            if (fault.kind().endsResponse()) {
                applyEndingFault();
                return;
            }
            writeCorruptEvent();
        }
        complete();
    }

    private boolean faultDueNow() {
        return fault.kind().countsTokenEvents() && !faultApplied
                && tokenEventsSent == fault.afterTokenEvents();
    }

    /** Writes the usage chunk if requested and {@code [DONE]}, and ends the response. */
    private void complete() {
        publishWhenFlushed(faultApplied
                ? RequestTruth.Outcome.FAULT_INJECTED : RequestTruth.Outcome.COMPLETED);
        ByteBuf tail = ctx.alloc().buffer(encoder.maxTokenChunkBytes(0) + 32);
        if (request.includeUsage()) {
            encoder.writeUsageChunk(tail, tokensSent);
        }
        ChunkEncoder.writeDone(tail);
        writeBody(tail);
        writeEndAndFinish();
    }

    private void applyEndingFault() {
        faultApplied = true;
        if (fault.kind() != Fault.Kind.ERROR) {
            applyConnectionFault();
            return;
        }
        // vLLM streams an engine error as an event with a top-level "error", then [DONE].
        publishWhenFlushed(RequestTruth.Outcome.FAULT_INJECTED);
        ByteBuf tail = ctx.alloc().buffer(256);
        ChunkEncoder.writeErrorEvent(tail, "Simulated engine failure after " + tokenEventsSent
                + " token events (fault " + fault + ")", INJECTED_ERROR_TYPE, 500);
        ChunkEncoder.writeDone(tail);
        writeBody(tail);
        writeEndAndFinish();
    }

    /** Writes the malformed or oversize event of a fault that lets the stream go on. */
    private void writeCorruptEvent() {
        faultApplied = true;
        if (fault.kind() == Fault.Kind.MALFORMED) {
            ByteBuf event = ctx.alloc().buffer(encoder.maxTokenChunkBytes(1));
            encoder.writeMalformedChunk(event);
            writeBody(event);
        } else {
            int bytes = fault.eventBytes() > 0
                    ? fault.eventBytes() : server.options.oversizeEventBytes();
            writeBody(encoder.oversizeChunk(ctx.alloc(), bytes));
        }
    }
}
