package io.tokenmark.simulator.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.tokenmark.simulator.engine.Sequence;
import io.tokenmark.simulator.fault.Fault;
import io.tokenmark.simulator.openai.CompletionRequest;
import io.tokenmark.simulator.openai.OutputPlan;
import io.tokenmark.simulator.openai.ResponseBodies;
import io.tokenmark.simulator.truth.RequestTruth;
import io.tokenmark.simulator.truth.TruthRecorder;
import java.nio.charset.StandardCharsets;

/**
 * A response that is not streamed: nothing is sent until the engine has generated every token,
 * then one JSON body. The ground truth records the body as one token event carrying all tokens.
 *
 * <p>Faults: {@code error_after} becomes HTTP 500 with an error body, {@code malformed_after}
 * cuts the JSON body in half, {@code reset_after}, {@code stall_after} and {@code close_after}
 * act on the connection before any byte is sent. {@code oversize_after} has no effect on a
 * non-streamed response.
 *
 * <p><b>Threading:</b> event loop only.
 */
final class BufferedSession extends ResponseSession {
    private boolean headersSent;

    BufferedSession(ChannelHandlerContext ctx, ServerContext server, CompletionRequest request,
            OutputPlan plan, int promptTokens, Fault fault, String requestId,
            String completionId, boolean keepAlive, long receivedNanos, TruthRecorder truth,
            Owner owner) {
        super(ctx, server, request, plan, promptTokens, fault, requestId, completionId,
                keepAlive, receivedNanos, truth, owner);
    }

    @Override
    void begin() {
        // Nothing precedes the body.
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
        if (endingFaultDue(tokenEventsSent == fault.afterTokenEvents())) {
            applyEndingFault();
            return;
        }
        tokensSent += newTokens;
        tokenEventsSent++;
        if (!sequence.isFinished()) {
            return;
        }
        if (endingFaultDue(true)) {
            applyEndingFault();
            return;
        }
        respond();
    }

    private boolean endingFaultDue(boolean positionReached) {
        return positionReached && fault.kind().countsTokenEvents() && fault.kind().endsResponse();
    }

    private void respond() {
        String json = ResponseBodies.completion(request.api(), completionId,
                server.createdSeconds, request.model(), promptTokens, plan);
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        boolean malformed = fault.kind() == Fault.Kind.MALFORMED;
        int length = malformed ? body.length / 2 : body.length;
        faultApplied = malformed;

        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        prepareHeaders(head, false);
        if (trickle == null) {
            HttpUtil.setContentLength(head, length);
        }
        ctx.write(head, ctx.voidPromise());
        headersSent = true;

        ByteBuf content = ctx.alloc().buffer(length);
        content.writeBytes(body, 0, length);
        writeTokenEvent(content, tokensSent);
        publishWhenFlushed(malformed
                ? RequestTruth.Outcome.FAULT_INJECTED : RequestTruth.Outcome.COMPLETED);
        writeEndAndFinish();
    }

    private void applyEndingFault() {
        faultApplied = true;
        if (fault.kind() != Fault.Kind.ERROR) {
            applyConnectionFault();
            return;
        }
        truth.publish(RequestTruth.Outcome.FAULT_INJECTED, System.nanoTime());
        HttpApiHandler.writeError(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, requestId,
                keepAlive, "Simulated engine failure after " + tokenEventsSent
                        + " token events (fault " + fault + ")", "server_error", null, null);
        endSession(keepAlive);
    }
}
