package io.tokenmark.simulator.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.tokenmark.core.client.ApiKind;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.engine.SplitMix64;
import io.tokenmark.simulator.fault.Fault;
import io.tokenmark.simulator.openai.CompletionRequest;
import io.tokenmark.simulator.openai.InvalidRequestException;
import io.tokenmark.simulator.openai.OutputPlan;
import io.tokenmark.simulator.openai.PromptTokenCounter;
import io.tokenmark.simulator.openai.ResponseBodies;
import io.tokenmark.simulator.truth.RequestTruth;
import io.tokenmark.simulator.truth.TruthRecorder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the HTTP requests of one connection: {@code GET /health}, {@code GET /v1/models},
 * {@code POST /v1/chat/completions} and {@code POST /v1/completions}. Completion requests are
 * checked (API key, fault header, body), then served by a {@link ResponseSession}.
 *
 * <p>One response is served at a time per connection. While it is in progress the handler stops
 * reading the socket; requests a client pipelined anyway wait in a queue. A prompt whose counter
 * is {@linkplain PromptTokenCounter#slow() slow} is counted on the server's counting thread, and
 * its response starts on the event loop once the count is back, so other streams go on meanwhile;
 * the connection waits as it does for a response in progress.
 *
 * <p><b>Threading:</b> one instance per connection, on the server's event loop.
 * <b>Buffers:</b> releases every request it receives.
 */
final class HttpApiHandler extends ChannelInboundHandlerAdapter implements ResponseSession.Owner {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApiHandler.class);

    /** The request header whose value becomes the ground-truth key, echoed in the response. */
    static final AsciiString REQUEST_ID_HEADER = AsciiString.cached("x-request-id");

    private final ServerContext server;
    private final ArrayDeque<FullHttpRequest> queued = new ArrayDeque<>();
    private ResponseSession active;
    /** True while this connection's request is being counted off the event loop. */
    private boolean counting;

    HttpApiHandler(ServerContext server) {
        this.server = server;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        server.channels.add(ctx.channel());
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (active != null || counting) {
            queued.addLast(request);
            return;
        }
        handle(ctx, request);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (active != null) {
            active.onChannelClosed();
            active = null;
        }
        releaseQueued();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String requestId = active == null ? "none" : active.requestId;
        LOG.warn("closing connection {} (request {}) after an error: {}",
                ctx.channel().remoteAddress(), requestId, cause.toString());
        ctx.close();
    }

    @Override
    public void sessionEnded(ResponseSession session, boolean connectionReusable) {
        if (session != active) {
            return;
        }
        active = null;
        ChannelHandlerContext ctx = session.ctx;
        if (!connectionReusable) {
            releaseQueued();
            return;
        }
        serveQueued(ctx);
    }

    /** Serves pipelined requests until one is in progress, then reads the socket again if idle. */
    private void serveQueued(ChannelHandlerContext ctx) {
        while (active == null && !counting && !queued.isEmpty()) {
            handle(ctx, queued.pollFirst());
        }
        if (active == null && !counting) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        try {
            route(ctx, request, System.nanoTime());
        } finally {
            request.release();
        }
    }

    private void route(ChannelHandlerContext ctx, FullHttpRequest request, long receivedNanos) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String requestIdHeader = request.headers().get(REQUEST_ID_HEADER);
        if (!request.decoderResult().isSuccess()) {
            writeError(ctx, HttpResponseStatus.BAD_REQUEST, requestIdHeader, false,
                    "malformed HTTP request: " + request.decoderResult().cause(),
                    "invalid_request_error", null, null);
            return;
        }

        String path = new QueryStringDecoder(request.uri()).path();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        HttpMethod method = request.method();
        switch (path) {
            case "/health" -> {
                if (requireMethod(ctx, request, HttpMethod.GET, keepAlive, requestIdHeader)) {
                    writeResponse(ctx, HttpResponseStatus.OK, requestIdHeader, keepAlive,
                            Unpooled.EMPTY_BUFFER, null);
                }
            }
            case "/v1/models" -> {
                if (requireMethod(ctx, request, HttpMethod.GET, keepAlive, requestIdHeader)) {
                    String body = ResponseBodies.models(server.options.modelName(),
                            server.createdSeconds, server.options.profile().maxModelTokens());
                    writeJson(ctx, HttpResponseStatus.OK, requestIdHeader, keepAlive, body);
                }
            }
            case "/v1/chat/completions", "/v1/completions" -> {
                if (requireMethod(ctx, request, HttpMethod.POST, keepAlive, requestIdHeader)) {
                    ApiKind api = path.equals("/v1/completions") ? ApiKind.COMPLETIONS : ApiKind.CHAT;
                    serveCompletion(ctx, request, api, receivedNanos, keepAlive, requestIdHeader);
                }
            }
            default -> writeError(ctx, HttpResponseStatus.NOT_FOUND, requestIdHeader, keepAlive,
                    "no route for " + method + " " + path + ": use /health, /v1/models,"
                            + " /v1/chat/completions or /v1/completions",
                    "not_found_error", null, null);
        }
    }

    private boolean requireMethod(ChannelHandlerContext ctx, FullHttpRequest request,
            HttpMethod expected, boolean keepAlive, String requestIdHeader) {
        if (request.method().equals(expected)) {
            return true;
        }
        writeError(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, requestIdHeader, keepAlive,
                request.method() + " is not allowed on " + request.uri() + ": use " + expected,
                "invalid_request_error", null, null);
        return false;
    }

    private void serveCompletion(ChannelHandlerContext ctx, FullHttpRequest http, ApiKind api,
            long receivedNanos, boolean keepAlive, String requestIdHeader) {
        SimulatorOptions options = server.options;
        long arrival = server.nextArrival();
        String completionId = server.completionId(api == ApiKind.CHAT, arrival);
        String requestId = requestIdHeader != null ? requestIdHeader : completionId;

        if (options.requiredApiKey() != null && !authorized(http, options.requiredApiKey())) {
            reject(ctx, requestId, completionId, receivedNanos, keepAlive,
                    new InvalidRequestException(401, "authentication_error", "invalid_api_key",
                            null, "Incorrect API key provided: send the key the simulator was"
                                    + " started with as 'Authorization: Bearer <key>'"));
            return;
        }

        Fault fault;
        String faultHeader = http.headers().get(Fault.HEADER);
        try {
            fault = faultHeader != null ? Fault.parse(faultHeader)
                    : options.faultPlan().choose(arrival);
        } catch (IllegalArgumentException e) {
            reject(ctx, requestId, completionId, receivedNanos, keepAlive,
                    new InvalidRequestException(400, "invalid_request_error", null, Fault.HEADER,
                            e.getMessage()));
            return;
        }
        if (fault.kind() == Fault.Kind.HTTP_STATUS) {
            injectHttpStatus(ctx, fault, requestId, completionId, receivedNanos, keepAlive);
            return;
        }

        CompletionRequest request;
        try {
            request = server.parser.parse(api, new ByteBufInputStream(http.content()));
        } catch (InvalidRequestException e) {
            reject(ctx, requestId, completionId, receivedNanos, keepAlive, e);
            return;
        }
        Admission admission = new Admission(request, api, fault, arrival, requestId, completionId,
                receivedNanos, keepAlive);
        PromptTokenCounter counter = options.promptTokenCounter();
        if (!counter.slow()) {
            admit(ctx, admission, countPrompt(request, counter));
            return;
        }

        counting = true;
        ctx.channel().config().setAutoRead(false);
        try {
            server.promptCounting().execute(() -> {
                Object counted = countPrompt(request, counter);
                try {
                    ctx.executor().execute(() -> promptCounted(ctx, admission, counted));
                } catch (RejectedExecutionException e) {
                    // The server stopped while the prompt was counted, and closed the connection.
                    LOG.debug("request {}: counted after the server stopped", requestId);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("request {}: closing its connection, because the server is stopping",
                    requestId, e);
            counting = false;
            ctx.close();
        }
    }

    /** The checked request of a completion whose prompt is being counted or was counted. */
    private record Admission(CompletionRequest request, ApiKind api, Fault fault, long arrival,
            String requestId, String completionId, long receivedNanos, boolean keepAlive) {
    }

    /**
     * Returns the prompt's token count as an {@code Integer}, or what the counter threw: an
     * {@link InvalidRequestException} or another {@code RuntimeException}.
     */
    private static Object countPrompt(CompletionRequest request, PromptTokenCounter counter) {
        try {
            return request.promptTokens(counter);
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** Continues on the event loop after a count off it, unless the connection closed meanwhile. */
    private void promptCounted(ChannelHandlerContext ctx, Admission admission, Object counted) {
        counting = false;
        if (!ctx.channel().isActive()) {
            return;
        }
        admit(ctx, admission, counted);
        serveQueued(ctx);
    }

    private void admit(ChannelHandlerContext ctx, Admission a, Object counted) {
        SimulatorOptions options = server.options;
        if (counted instanceof InvalidRequestException e) {
            reject(ctx, a.requestId(), a.completionId(), a.receivedNanos(), a.keepAlive(), e);
            return;
        }
        if (counted instanceof RuntimeException e) {
            LOG.warn("request {}: counting its prompt tokens failed", a.requestId(), e);
            reject(ctx, a.requestId(), a.completionId(), a.receivedNanos(), a.keepAlive(),
                    new InvalidRequestException(500, "server_error", null, null,
                            "the simulator could not count the prompt's tokens: " + e));
            return;
        }
        int promptTokens = (Integer) counted;
        CompletionRequest request = a.request();
        Fault fault = a.fault();
        OutputPlan plan;
        try {
            long textSeed = request.seed() != null ? SplitMix64.hash(request.seed(), 0)
                    : SplitMix64.hash(options.seed(), a.arrival());
            plan = OutputPlan.plan(promptTokens, request.maxTokens(), request.minTokens(),
                    request.ignoreEos(), options.profile().maxModelTokens(),
                    options.answerTokens(), options.answerSpread(),
                    a.api() == ApiKind.CHAT ? options.reasoningShare() : 0, textSeed);
        } catch (InvalidRequestException e) {
            reject(ctx, a.requestId(), a.completionId(), a.receivedNanos(), a.keepAlive(), e);
            return;
        }

        int expectedEvents = plan.outputTokens() / options.tokensPerChunk() + 2;
        TruthRecorder truth = new TruthRecorder(server.groundTruth, a.requestId(),
                a.completionId(), a.receivedNanos(), fault.toString(),
                request.stream() ? expectedEvents : 1);
        truth.promptTokens(promptTokens);
        ResponseSession session = request.stream()
                ? new StreamingSession(ctx, server, request, plan, promptTokens, fault,
                        a.requestId(), a.completionId(), a.keepAlive(), a.receivedNanos(), truth,
                        this)
                : new BufferedSession(ctx, server, request, plan, promptTokens, fault,
                        a.requestId(), a.completionId(), a.keepAlive(), a.receivedNanos(), truth,
                        this);
        active = session;
        ctx.channel().config().setAutoRead(false);
        if (fault.kind() == Fault.Kind.SLOW_HEADERS) {
            ctx.executor().schedule(session::start, fault.millis(), TimeUnit.MILLISECONDS);
        } else {
            session.start();
        }
    }

    private void injectHttpStatus(ChannelHandlerContext ctx, Fault fault, String requestId,
            String completionId, long receivedNanos, boolean keepAlive) {
        HttpResponseStatus status = HttpResponseStatus.valueOf(fault.httpStatus());
        String type;
        String code;
        switch (fault.httpStatus()) {
            case 400 -> {
                type = "invalid_request_error";
                code = null;
            }
            case 401 -> {
                type = "authentication_error";
                code = "invalid_api_key";
            }
            case 403 -> {
                type = "permission_error";
                code = null;
            }
            case 404 -> {
                type = "not_found_error";
                code = "model_not_found";
            }
            case 429 -> {
                type = "rate_limit_error";
                code = "rate_limit_exceeded";
            }
            case 503 -> {
                type = "server_error";
                code = "service_unavailable";
            }
            default -> {
                type = fault.httpStatus() < 500 ? "invalid_request_error" : "server_error";
                code = null;
            }
        }
        new TruthRecorder(server.groundTruth, requestId, completionId, receivedNanos,
                fault.toString(), 1).publish(RequestTruth.Outcome.FAULT_INJECTED, System.nanoTime());
        String retryAfter = fault.httpStatus() == 429 || fault.httpStatus() == 503 ? "1" : null;
        writeError(ctx, status, requestId, keepAlive, "Simulated " + status.reasonPhrase()
                + " injected by " + Fault.HEADER + ": " + fault, type, code, retryAfter);
    }

    private void reject(ChannelHandlerContext ctx, String requestId, String completionId,
            long receivedNanos, boolean keepAlive, InvalidRequestException e) {
        new TruthRecorder(server.groundTruth, requestId, completionId, receivedNanos, "none", 1)
                .publish(RequestTruth.Outcome.REJECTED, System.nanoTime());
        String body = ResponseBodies.errorJson(e.getMessage(), e.type(), e.param(),
                e.code() != null ? e.code() : Integer.valueOf(e.httpStatus()));
        writeJson(ctx, HttpResponseStatus.valueOf(e.httpStatus()), requestId, keepAlive, body);
    }

    private static boolean authorized(FullHttpRequest request, String key) {
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        String expected = "Bearer " + key;
        // Constant-time comparison, so response timing does not reveal the key.
        return header != null && MessageDigest.isEqual(
                header.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes an OpenAI error response: {@code {"error":{"message","type","param","code"}}}, with
     * the status as the code when {@code code} is {@code null}.
     *
     * @param retryAfter the {@code Retry-After} header in seconds, or {@code null}
     */
    static void writeError(ChannelHandlerContext ctx, HttpResponseStatus status,
            String requestId, boolean keepAlive, String message, String type, String code,
            String retryAfter) {
        String body = ResponseBodies.errorJson(message, type, null,
                code != null ? code : Integer.valueOf(status.code()));
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        writeResponse(ctx, status, requestId, keepAlive, content, retryAfter);
    }

    private static void writeJson(ChannelHandlerContext ctx, HttpResponseStatus status,
            String requestId, boolean keepAlive, String body) {
        writeResponse(ctx, status, requestId, keepAlive,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8), null);
    }

    private static void writeResponse(ChannelHandlerContext ctx, HttpResponseStatus status,
            String requestId, boolean keepAlive, ByteBuf content, String retryAfter) {
        FullHttpResponse response =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        if (content.isReadable()) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        }
        if (requestId != null) {
            response.headers().set(REQUEST_ID_HEADER, requestId);
        }
        if (retryAfter != null) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
        }
        HttpUtil.setContentLength(response, content.readableBytes());
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void releaseQueued() {
        FullHttpRequest request;
        while ((request = queued.pollFirst()) != null) {
            request.release();
        }
    }
}
