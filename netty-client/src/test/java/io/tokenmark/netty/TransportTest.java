package io.tokenmark.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import io.tokenmark.core.client.ApiKey;
import io.tokenmark.core.client.ApiKind;
import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.core.client.ErrorKind;
import io.tokenmark.core.client.RequestFailure;
import io.tokenmark.core.client.RequestHandle;
import io.tokenmark.core.client.StreamListener;
import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.workload.RequestSpec;
import io.tokenmark.netty.testing.RecordingListener;
import io.tokenmark.netty.testing.ScriptedServer;
import io.tokenmark.netty.testing.ScriptedServer.Ending;
import io.tokenmark.netty.testing.ScriptedServer.Framing;
import io.tokenmark.netty.testing.ScriptedServer.Response;
import io.tokenmark.netty.testing.ScriptedServer.Segment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * {@link NettyInferenceClient} against {@link ScriptedServer}s on 127.0.0.1: connection reuse
 * and limits, timeouts, cancellation, transport faults, HTTP errors, compression, and what goes
 * on the wire.
 */
class TransportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RequestSpec SPEC = RequestSpec.ofUserMessage("Say hello.", 16);
    private static final String SECRET = "sk-test-0123456789abcdef";

    private static String chunk(String content) {
        return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content
                + "\"},\"finish_reason\":null}]}\n\n";
    }

    private static final String FINISH =
            "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";
    private static final String DONE = "data: [DONE]\n\n";

    private static Response helloStream(long gapMillis) {
        return Response.sse(Segment.of(chunk("Hello"), gapMillis),
                Segment.of(chunk(" world"), 2 * gapMillis), Segment.of(FINISH + DONE, 2 * gapMillis));
    }

    private static ClientOptions.Builder options(ScriptedServer server) {
        return ClientOptions.builder(server.baseUrl()).ioThreads(2).retainText(true)
                .readTimeoutMillis(5000);
    }

    private static RequestRecord sendAndAwait(NettyInferenceClient client) throws Exception {
        RecordingListener listener = new RecordingListener(SPEC);
        client.send("r", SPEC, listener);
        return listener.await(10_000);
    }

    @Test
    void requestCarriesHeadersAndBody() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(request -> helloStream(0));
                NettyInferenceClient client = NettyInferenceClient.create(options(server)
                        .model("qwen3").apiKey(ApiKey.of(SECRET))
                        .header("X-Tenant", "bench").build())) {
            RecordingListener listener = new RecordingListener(SPEC);
            client.send("req-42", SPEC, listener);
            assertThat(listener.await(10_000).success()).isTrue();

            ScriptedServer.ReceivedRequest request = server.requests().get(0);
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.target()).isEqualTo("/v1/chat/completions");
            assertThat(request.headers()).containsEntry("content-type", "application/json")
                    .containsEntry("accept", "text/event-stream")
                    .containsEntry("authorization", "Bearer " + SECRET)
                    .containsEntry("x-request-id", "req-42")
                    .containsEntry("x-tenant", "bench")
                    .containsEntry("host", "127.0.0.1:" + server.port());
            JsonNode body = JSON.readTree(request.body());
            assertThat(body.get("model").asText()).isEqualTo("qwen3");
            assertThat(body.get("stream").asBoolean()).isTrue();
            assertThat(body.get("messages").get(0).get("content").asText()).isEqualTo("Say hello.");
        }
    }

    @Test
    void requestWithoutIdSendsNoRequestIdHeader() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(request -> helloStream(0));
                NettyInferenceClient client = NettyInferenceClient.create(options(server).build())) {
            RecordingListener listener = new RecordingListener(SPEC);
            client.send(null, SPEC, listener);
            listener.await(10_000);
            assertThat(server.requests().get(0).headers()).doesNotContainKeys("x-request-id",
                    "authorization");
        }
    }

    @Test
    void completionsRequestGoesToCompletionsPath() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(request -> Response.sse(Segment.of(
                "data: {\"choices\":[{\"index\":0,\"text\":\"x\",\"finish_reason\":\"length\"}]}\n\n"
                        + DONE, 0)));
                NettyInferenceClient client = NettyInferenceClient.create(options(server)
                        .api(ApiKind.COMPLETIONS).build())) {
            RequestSpec spec = RequestSpec.builder().prompt("Once").maxTokens(1).build();
            RecordingListener listener = new RecordingListener(spec);
            client.send("c", spec, listener);
            RequestRecord record = listener.await(10_000);
            assertThat(record.answerText()).isEqualTo("x");
            assertThat(server.requests().get(0).target()).isEqualTo("/v1/completions");
        }
    }

    @Test
    void completionsRequestWithOnlyMessagesIsNotSent() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(request -> helloStream(0));
                NettyInferenceClient client = NettyInferenceClient.create(options(server)
                        .api(ApiKind.COMPLETIONS).build())) {
            RecordingListener listener = new RecordingListener(SPEC);
            client.send("c", SPEC, listener);
            RequestRecord record = listener.await(10_000);
            assertThat(record.error()).isEqualTo(ErrorKind.CANCELLED);
            assertThat(record.errorMessage()).contains("completions API needs a prompt");
            assertThat(listener.callbacks()).containsExactly("onFailure");
            assertThat(server.connectionsAccepted()).isZero();
        }
    }

    @Test
    void keepAliveReusesConnection() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(request -> helloStream(0));
                NettyInferenceClient client = NettyInferenceClient.create(options(server).build())) {
            for (int i = 0; i < 3; i++) {
                assertThat(sendAndAwait(client).success()).isTrue();
            }
            assertThat(server.requests()).hasSize(3);
            assertThat(server.connectionsAccepted()).isEqualTo(1);
        }
    }

    @Test
    void requestSentFromOnCompleteReusesConnection() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(request -> helloStream(0));
                NettyInferenceClient client = NettyInferenceClient.create(options(server).build())) {
            RecordingListener last = new RecordingListener(SPEC);
            client.send("0", SPEC, chained(client, 3, last));
            assertThat(last.await(10_000).success()).isTrue();
            assertThat(server.requests()).hasSize(4);
            assertThat(server.connectionsAccepted()).isEqualTo(1);
        }
    }

    /** Returns a listener that, like a closed-loop user, sends the next request from onComplete. */
    private static StreamListener chained(NettyInferenceClient client, int more, StreamListener last) {
        if (more == 0) {
            return last;
        }
        return new StreamListener() {
            @Override
            public void onRequestSent(long sendNanos) {
            }

            @Override
            public void onResponseHeaders(int httpStatus, long arrivalNanos) {
            }

            @Override
            public void onTokenEvent(io.tokenmark.core.client.TokenEvent event) {
            }

            @Override
            public void onUsage(long arrivalNanos, int promptTokens, int completionTokens) {
            }

            @Override
            public void onFinishReason(String finishReason) {
            }

            @Override
            public void onComplete(long endNanos) {
                client.send(String.valueOf(more), SPEC, chained(client, more - 1, last));
            }

            @Override
            public void onFailure(RequestFailure failure) {
                last.onFailure(failure);
            }
        };
    }

    @Test
    void connectionClosedByServerIsReplaced() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(request ->
                helloStream(0).withEnding(Ending.CLOSE));
                NettyInferenceClient client = NettyInferenceClient.create(options(server).build())) {
            assertThat(sendAndAwait(client).success()).isTrue();
            Thread.sleep(100);
            assertThat(sendAndAwait(client).success()).isTrue();
            assertThat(server.connectionsAccepted()).isEqualTo(2);
        }
    }

    @Test
    void maxConnectionsCapsOpenConnections() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(request -> helloStream(100));
                NettyInferenceClient client = NettyInferenceClient.create(options(server)
                        .maxConnections(2).build())) {
            List<RecordingListener> listeners = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                RecordingListener listener = new RecordingListener(SPEC);
                client.send("r" + i, SPEC, listener);
                listeners.add(listener);
            }
            for (RecordingListener listener : listeners) {
                assertThat(listener.await(10_000).success()).isTrue();
            }
            assertThat(server.connectionsAccepted()).isEqualTo(2);
            assertThat(server.maxConcurrentConnections()).isEqualTo(2);
        }
    }

    @Test
    void unboundedPoolOpensConnectionPerConcurrentRequest() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(request -> helloStream(100));
                NettyInferenceClient client = NettyInferenceClient.create(options(server).build())) {
            List<RecordingListener> listeners = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                RecordingListener listener = new RecordingListener(SPEC);
                client.send("r" + i, SPEC, listener);
                listeners.add(listener);
            }
            for (RecordingListener listener : listeners) {
                assertThat(listener.await(10_000).success()).isTrue();
            }
            assertThat(server.connectionsAccepted()).isEqualTo(6);
        }
    }

    @Test
    void readTimeoutFailsStalledStream() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(request ->
                Response.sse(Segment.of(chunk("Hel"), 0)).withEnding(Ending.STALL));
                NettyInferenceClient client = NettyInferenceClient.create(options(server)
                        .readTimeoutMillis(300).build())) {
            RecordingListener listener = new RecordingListener(SPEC);
            client.send("r", SPEC, listener);
            RequestRecord record = listener.await(10_000);
            assertThat(record.error()).isEqualTo(ErrorKind.READ_TIMEOUT);
            assertThat(record.errorMessage()).contains("300 ms").contains("readTimeoutMillis");
            assertThat(record.answerText()).isEqualTo("Hel");
            assertThat((record.endNanos() - record.lastTokenNanos()) / 1e6).isCloseTo(300, within(50.0));
        }
    }

    @Test
    void readTimeoutZeroWaitsForSlowStream() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(request -> helloStream(250));
                NettyInferenceClient client = NettyInferenceClient.create(options(server)
                        .readTimeoutMillis(0).build())) {
            assertThat(sendAndAwait(client).success()).isTrue();
        }
    }

    @Test
    void totalDeadlineCancelsRequest() throws Exception {
        List<Segment> trickle = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            trickle.add(Segment.of(chunk("t"), 100L * i));
        }
        Response slow = new Response(200, Map.of("Content-Type", "text/event-stream"), trickle,
                Framing.CHUNKED, Ending.END);
        try (ScriptedServer server = ScriptedServer.start(request -> slow);
                NettyInferenceClient client = NettyInferenceClient.create(options(server)
                        .readTimeoutMillis(1000).requestTimeoutMillis(450).build())) {
            RecordingListener listener = new RecordingListener(SPEC);
            client.send("r", SPEC, listener);
            RequestRecord record = listener.await(10_000);
            assertThat(record.error()).isEqualTo(ErrorKind.CANCELLED);
            assertThat(record.errorMessage()).contains("450 ms").contains("requestTimeoutMillis");
            assertThat(record.tokenEvents()).isBetween(3, 5);
        }
    }

    @Test
    void cancelFailsRequestAndClosesConnection() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(request ->
                Response.sse(Segment.of(chunk("a"), 0)).withEnding(Ending.STALL));
                NettyInferenceClient client = NettyInferenceClient.create(options(server).build())) {
            RecordingListener listener = new RecordingListener(SPEC);
            RequestHandle handle = client.send("r", SPEC, listener);
            waitFor(() -> listener.callbacks().contains("onTokenEvent"));
            handle.cancel();
            handle.cancel();
            RequestRecord record = listener.await(10_000);
            assertThat(record.error()).isEqualTo(ErrorKind.CANCELLED);
            assertThat(record.errorMessage()).contains("cancelled by the caller");
            waitFor(() -> client.openConnections() == 0);
        }
    }

    @Test
    void cancelWhileWaitingForConnection() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(request -> helloStream(200));
                NettyInferenceClient client = NettyInferenceClient.create(options(server)
                        .maxConnections(1).build())) {
            RecordingListener first = new RecordingListener(SPEC);
            client.send("first", SPEC, first);
            RecordingListener second = new RecordingListener(SPEC);
            RequestHandle handle = client.send("second", SPEC, second);
            handle.cancel();

            RequestRecord cancelled = second.await(10_000);
            assertThat(cancelled.error()).isEqualTo(ErrorKind.CANCELLED);
            assertThat(second.callbacks()).containsExactly("onFailure");
            assertThat(first.await(10_000).success()).isTrue();
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void closeCancelsRequestsInFlight() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(request ->
                Response.sse(Segment.of(chunk("a"), 0)).withEnding(Ending.STALL))) {
            NettyInferenceClient client = NettyInferenceClient.create(options(server).build());
            RecordingListener listener = new RecordingListener(SPEC);
            client.send("r", SPEC, listener);
            waitFor(() -> listener.callbacks().contains("onTokenEvent"));
            client.close();
            RequestRecord record = listener.await(1000);
            assertThat(record.error()).isEqualTo(ErrorKind.CANCELLED);
            assertThat(record.errorMessage()).contains("closed");
            assertThatThrownBy(() -> client.send("late", SPEC, new RecordingListener(SPEC)))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void refusedConnectionFailsWithConnectFailed() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        ClientOptions options = ClientOptions.builder(URI.create("http://127.0.0.1:" + port + "/v1"))
                .ioThreads(1).build();
        try (NettyInferenceClient client = NettyInferenceClient.create(options)) {
            RecordingListener listener = new RecordingListener(SPEC);
            client.send("r", SPEC, listener);
            RequestRecord record = listener.await(10_000);
            assertThat(record.error()).isEqualTo(ErrorKind.CONNECT_FAILED);
            assertThat(record.errorMessage()).contains("refused").contains("127.0.0.1:" + port);
            assertThat(record.sendNanos()).isEqualTo(-1);
            assertThat(listener.callbacks()).containsExactly("onFailure");
        }
    }

    @Test
    void unresolvableHostFailsWithConnectFailed() throws Exception {
        ClientOptions options = ClientOptions.builder(URI.create("http://inference.invalid:8000/v1"))
                .ioThreads(1).build();
        try (NettyInferenceClient client = NettyInferenceClient.create(options, new FailingResolver())) {
            RecordingListener listener = new RecordingListener(SPEC);
            client.send("r", SPEC, listener);
            RequestRecord record = listener.await(10_000);
            assertThat(record.error()).isEqualTo(ErrorKind.CONNECT_FAILED);
            assertThat(record.errorMessage()).contains("cannot resolve host name 'inference.invalid'");
        }
    }

    @Test
    void resetMidStreamFailsWithConnectionReset() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(request ->
                Response.sse(Segment.of(chunk("a"), 0), Segment.of(chunk("b"), 50))
                        .withEnding(Ending.RESET));
                NettyInferenceClient client = NettyInferenceClient.create(options(server).build())) {
            RequestRecord record = sendAndAwait(client);
            assertThat(record.error()).isEqualTo(ErrorKind.CONNECTION_RESET);
            assertThat(record.answerText()).isEqualTo("ab");
            assertThat(record.httpStatus()).isEqualTo(200);
        }
    }

    @Test
    void prematureCloseFailsWithConnectionReset() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(request ->
                Response.sse(Segment.of(chunk("a"), 0)).withEnding(Ending.ABORT));
                NettyInferenceClient client = NettyInferenceClient.create(options(server).build())) {
            RequestRecord record = sendAndAwait(client);
            assertThat(record.error()).isEqualTo(ErrorKind.CONNECTION_RESET);
            assertThat(record.errorMessage()).contains("before the response was complete");
        }
    }

    @Test
    void closeDelimitedBodyCompletesAfterFinishReason() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(request -> Response.sse(
                Segment.of(chunk("a"), 0), Segment.of(FINISH, 20)).withFraming(Framing.CLOSE_DELIMITED));
                NettyInferenceClient client = NettyInferenceClient.create(options(server).build())) {
            RequestRecord record = sendAndAwait(client);
            assertThat(record.success()).isTrue();
            assertThat(record.finishReason()).isEqualTo("stop");
        }
    }

    @Test
    void closeDelimitedBodyWithoutFinishIsTruncated() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(request -> Response.sse(
                Segment.of(chunk("a"), 0)).withFraming(Framing.CLOSE_DELIMITED));
                NettyInferenceClient client = NettyInferenceClient.create(options(server).build())) {
            RequestRecord record = sendAndAwait(client);
            assertThat(record.errorLabel()).isEqualTo("truncated");
        }
    }

    @Test
    void httpErrorKeepsFirst4KiBOfBody() throws Exception {
        String body = "x".repeat(10_000);
        try (ScriptedServer server = ScriptedServer.start(request -> new Response(500,
                Map.of("Content-Type", "text/plain"), List.of(Segment.of(body, 0)),
                Framing.CONTENT_LENGTH, Ending.END));
                NettyInferenceClient client = NettyInferenceClient.create(options(server).build())) {
            RecordingListener listener = new RecordingListener(SPEC);
            client.send("r", SPEC, listener);
            RequestRecord record = listener.await(10_000);
            assertThat(record.errorLabel()).isEqualTo("http_500");
            assertThat(record.errorBody()).hasSize(RequestFailure.MAX_BODY_BYTES);
            assertThat(record.errorMessage()).isEqualTo("HTTP 500 Internal Server Error");
            assertThat(listener.callbacks()).containsExactly("onRequestSent", "onResponseHeaders",
                    "onFailure");
        }
    }

    @Test
    void httpErrorTakesMessageFromJsonBody() throws Exception {
        String body = "{\"object\":\"error\",\"error\":{\"message\":\"Rate limit reached\",\"code\":429}}";
        try (ScriptedServer server = ScriptedServer.start(request -> new Response(429,
                Map.of("Content-Type", "application/json"), List.of(Segment.of(body, 0)),
                Framing.CONTENT_LENGTH, Ending.END));
                NettyInferenceClient client = NettyInferenceClient.create(options(server).build())) {
            RequestRecord record = sendAndAwait(client);
            assertThat(record.errorLabel()).isEqualTo("http_429");
            assertThat(record.errorMessage()).isEqualTo("HTTP 429: Rate limit reached");
            assertThat(record.errorBody()).isEqualTo(body);
        }
    }

    @Test
    void httpErrorLeavesConnectionReusable() throws Exception {
        AtomicInteger served = new AtomicInteger();
        Response busy = new Response(503, Map.of(), List.of(Segment.of("busy", 0)),
                Framing.CONTENT_LENGTH, Ending.END);
        try (ScriptedServer server = ScriptedServer.start(request ->
                served.getAndIncrement() == 0 ? busy : helloStream(0));
                NettyInferenceClient client = NettyInferenceClient.create(options(server).build())) {
            assertThat(sendAndAwait(client).errorLabel()).isEqualTo("http_503");
            assertThat(sendAndAwait(client).success()).isTrue();
            assertThat(server.connectionsAccepted()).isEqualTo(1);
        }
    }

    @Test
    void httpErrorCutShortKeepsStatus() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(request -> new Response(502,
                Map.of("Content-Type", "text/plain"), List.of(Segment.of("upstream ", 0)),
                Framing.CHUNKED, Ending.ABORT));
                NettyInferenceClient client = NettyInferenceClient.create(options(server).build())) {
            RequestRecord record = sendAndAwait(client);
            assertThat(record.errorLabel()).isEqualTo("http_502");
            assertThat(record.errorBody()).isEqualTo("upstream ");
            assertThat(record.errorMessage()).startsWith("HTTP 502");
            assertThat(record.errorMessage()).contains("before the response was complete");
        }
    }

    @Test
    void httpErrorWithStalledBodyKeepsStatus() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(request -> new Response(503,
                Map.of("Content-Type", "text/plain"), List.of(Segment.of("overloaded", 0)),
                Framing.CHUNKED, Ending.STALL));
                NettyInferenceClient client = NettyInferenceClient.create(options(server)
                        .readTimeoutMillis(300).build())) {
            RequestRecord record = sendAndAwait(client);
            assertThat(record.errorLabel()).isEqualTo("http_503");
            assertThat(record.errorBody()).isEqualTo("overloaded");
            assertThat(record.errorMessage()).contains("readTimeoutMillis");
        }
    }

    @Test
    void gzipBodyIsDecompressed() throws Exception {
        byte[] gzip = gzip(chunk("Hal") + chunk("lo") + FINISH + DONE);
        List<Segment> segments = List.of(
                new Segment(java.util.Arrays.copyOfRange(gzip, 0, gzip.length / 2), 0),
                new Segment(java.util.Arrays.copyOfRange(gzip, gzip.length / 2, gzip.length), 30));
        try (ScriptedServer server = ScriptedServer.start(request -> new Response(200,
                Map.of("Content-Type", "text/event-stream", "Content-Encoding", "gzip"),
                segments, Framing.CHUNKED, Ending.END));
                NettyInferenceClient client = NettyInferenceClient.create(options(server).build())) {
            RequestRecord record = sendAndAwait(client);
            assertThat(record.success()).isTrue();
            assertThat(record.answerText()).isEqualTo("Hallo");
        }
    }

    @Test
    void eventOverMaxEventBytesFailsAsMalformed() throws Exception {
        String huge = chunk("y".repeat(5000));
        try (ScriptedServer server = ScriptedServer.start(request -> Response.sse(Segment.of(huge, 0)));
                NettyInferenceClient client = NettyInferenceClient.create(options(server)
                        .maxEventBytes(4096).build())) {
            RequestRecord record = sendAndAwait(client);
            assertThat(record.error()).isEqualTo(ErrorKind.MALFORMED_EVENT);
            assertThat(record.errorMessage()).contains("4096").contains("maxEventBytes");
        }
    }

    @Test
    void inBandErrorFailsWithServerMessage() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(request -> Response.sse(
                Segment.of(chunk("a"), 0),
                Segment.of("data: {\"error\":{\"message\":\"engine failure\"}}\n\n" + DONE, 10)));
                NettyInferenceClient client = NettyInferenceClient.create(options(server).build())) {
            RequestRecord record = sendAndAwait(client);
            assertThat(record.errorLabel()).isEqualTo("stream_error");
            assertThat(record.errorMessage()).isEqualTo("engine failure");
            assertThat(record.answerText()).isEqualTo("a");
        }
    }

    @Test
    void sendTimePrecedesServerArrival() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(request -> helloStream(0));
                NettyInferenceClient client = NettyInferenceClient.create(options(server).build())) {
            RequestRecord record = sendAndAwait(client);
            long serverArrival = server.requests().get(0).arrivalNanos();
            assertThat(record.sendNanos()).isLessThan(serverArrival);
            assertThat(record.firstTokenNanos()).isGreaterThan(serverArrival);
        }
    }

    @Test
    void apiKeyNeverAppearsInMessagesOrLogs() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        List<String> texts = new ArrayList<>();
        try (ScriptedServer server = ScriptedServer.start(request -> new Response(401,
                Map.of("Content-Type", "application/json"),
                List.of(Segment.of("{\"error\":{\"message\":\"invalid key\"}}", 0)),
                Framing.CONTENT_LENGTH, Ending.END))) {
            for (URI base : List.of(server.baseUrl(), URI.create("http://127.0.0.1:" + closedPort + "/v1"))) {
                ClientOptions options = ClientOptions.builder(base).ioThreads(1)
                        .apiKey(ApiKey.of(SECRET)).build();
                try (NettyInferenceClient client = NettyInferenceClient.create(options)) {
                    RecordingListener listener = new RecordingListener(SPEC);
                    client.send("r", SPEC, listener);
                    RequestRecord record = listener.await(10_000);
                    texts.add(record.errorMessage());
                    texts.add(String.valueOf(record.errorBody()));
                    texts.add(String.valueOf(listener.failure()));
                    texts.add(record.toString());
                    texts.add(client.toString());
                    texts.add(options.toString());
                }
            }
        }
        texts.add(java.nio.file.Files.readString(java.nio.file.Path.of("target/test.log")));
        assertThat(texts).noneMatch(text -> text.contains(SECRET));
        assertThat(texts.get(0)).contains("invalid key");
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes, true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }

    /** Resolves nothing, as a DNS server without the name would; sends no query anywhere. */
    private static final class FailingResolver extends AddressResolverGroup<InetSocketAddress> {
        @Override
        protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
            return new InetNameResolver(executor) {
                @Override
                protected void doResolve(String host, Promise<InetAddress> promise) {
                    promise.setFailure(new UnknownHostException(host));
                }

                @Override
                protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
                    promise.setFailure(new UnknownHostException(host));
                }
            }.asAddressResolver();
        }
    }
}
