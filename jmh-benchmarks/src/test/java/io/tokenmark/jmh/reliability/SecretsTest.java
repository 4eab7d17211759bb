package io.tokenmark.jmh.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmark.core.client.ApiKey;
import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.core.client.ErrorKind;
import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.metric.RequestRecorder;
import io.tokenmark.core.workload.RequestSpec;
import io.tokenmark.netty.NettyInferenceClient;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * API keys stay out of everything TokenMark shows or writes. Each test uses a fresh canary key,
 * a random value that can only appear in output by leaking.
 */
@ExtendWith(ByteBufLeakCheck.class)
class SecretsTest {
    private final String canary = "sk-canary-" + UUID.randomUUID().toString().replace("-", "");

    @TempDir
    Path folder;

    @Test
    void httpErrorQuotingKeyIsRedacted() throws Exception {
        // Some servers and proxies quote the credentials they reject in the error body.
        try (ScriptedHttpServer server = ScriptedHttpServer.start((connection, request, output) -> {
            String body = "{\"error\":{\"message\":\"Incorrect API key provided: "
                    + request.header("Authorization") + "\",\"type\":\"authentication_error\"}}";
            writeJson(output, "401 Unauthorized", body);
            return true;
        })) {
            RequestRecord record = sendOne(server);

            assertThat(record.error()).isEqualTo(ErrorKind.HTTP);
            assertThat(record.httpStatus()).isEqualTo(401);
            assertThat(record.errorMessage()).doesNotContain(canary);
            assertThat(record.errorMessage())
                    .isEqualTo("HTTP 401: Incorrect API key provided: Bearer [redacted]");
            assertThat(record.errorBody()).doesNotContain(canary);
            assertThat(record.errorBody()).contains("Bearer [redacted]");
        }
    }

    @Test
    void streamErrorQuotingKeyIsRedacted() throws Exception {
        try (ScriptedHttpServer server = ScriptedHttpServer.start((connection, request, output) -> {
            ScriptedHttpServer.writeHead(output, "200 OK", "Content-Type: text/event-stream",
                    "Transfer-Encoding: chunked");
            ScriptedHttpServer.writeChunk(output, ScriptedHttpServer.chatEvent("Hi", null));
            ScriptedHttpServer.writeChunk(output, "data: {\"error\":{\"message\":\"key "
                    + request.header("Authorization").substring("Bearer ".length())
                    + " was revoked\"}}\n\n");
            ScriptedHttpServer.writeChunk(output, "data: [DONE]\n\n");
            ScriptedHttpServer.writeLastChunk(output);
            return true;
        })) {
            RequestRecord record = sendOne(server);

            assertThat(record.error()).isEqualTo(ErrorKind.STREAM_ERROR);
            assertThat(record.errorMessage()).doesNotContain(canary);
            assertThat(record.errorMessage()).isEqualTo("key [redacted] was revoked");
        }
    }

    @Test
    void keyFileErrorsNeverQuoteContent() throws Exception {
        Path twoLines = folder.resolve("two-lines");
        Files.writeString(twoLines, canary + "\n" + canary + "\n", StandardCharsets.UTF_8);
        Path empty = folder.resolve("empty");
        Files.writeString(empty, "\n", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> ApiKey.fromFile(twoLines))
                .hasMessageContaining("line break")
                .hasMessageNotContaining(canary);
        assertThatThrownBy(() -> ApiKey.fromFile(empty)).hasMessageContaining("is empty");
        assertThatThrownBy(() -> ApiKey.fromFile(folder.resolve("missing")))
                .hasMessageContaining("cannot read API key file");
        assertThatThrownBy(() -> ApiKey.of(canary + "\r\nX-Injected: 1"))
                .hasMessageNotContaining(canary);
    }

    @Test
    void descriptionsNeverShowKey() throws Exception {
        ApiKey key = ApiKey.of(canary);
        ClientOptions options = ClientOptions.builder(java.net.URI.create("http://127.0.0.1:9/v1"))
                .apiKey(key).ioThreads(1).build();

        assertThat(key.toString()).doesNotContain(canary);
        assertThat(options.toString()).doesNotContain(canary);
        assertThat(options.toString()).contains("apiKey=redacted");
        try (NettyInferenceClient client = NettyInferenceClient.create(options)) {
            assertThat(client.toString()).doesNotContain(canary);
        }
    }

    private RequestRecord sendOne(ScriptedHttpServer server) throws Exception {
        ClientOptions options = ClientOptions.builder(server.baseUrl(false))
                .apiKey(ApiKey.of(canary)).ioThreads(1).build();
        RequestSpec spec = RequestSpec.ofUserMessage("Hi", 4);
        CompletableFuture<RequestRecord> done = new CompletableFuture<>();
        try (NettyInferenceClient client = NettyInferenceClient.create(options)) {
            long now = System.nanoTime();
            client.send("secret-0", spec, new RequestRecorder(0, false, spec, now, now,
                    done::complete));
            RequestRecord record = done.get(10, TimeUnit.SECONDS);
            assertThat(server.requests().get(0).header("Authorization"))
                    .as("the key the server received").isEqualTo("Bearer " + canary);
            return record;
        }
    }

    private static void writeJson(OutputStream output, String status, String body)
            throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ScriptedHttpServer.writeHead(output, status, "Content-Type: application/json",
                "Content-Length: " + bytes.length);
        output.write(bytes);
        output.flush();
    }
}
