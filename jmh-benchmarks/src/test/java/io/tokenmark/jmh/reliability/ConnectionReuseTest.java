package io.tokenmark.jmh.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.core.report.RequestLogEntry;
import io.tokenmark.netty.NettyInferenceClient;
import java.io.OutputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a failed request leaves for the next one on the same client: a connection whose response
 * ended abnormally must not carry the next request.
 */
@ExtendWith(ByteBufLeakCheck.class)
class ConnectionReuseTest {
    /** How long the server keeps a cut-off connection open before closing it. */
    private static final long CLOSE_DELAY_MILLIS = 300;

    @TempDir
    Path out;

    @Test
    void truncatedStreamClosesItsConnection() throws Exception {
        // Connection 0 ends its chunked body cleanly but without finish_reason or [DONE], then
        // closes a moment later without reading anything more, as a crashing server would.
        try (ScriptedHttpServer server = ScriptedHttpServer.start((connection, request, output) -> {
            if (connection == 0) {
                writeTruncatedStream(output);
                Thread.sleep(CLOSE_DELAY_MILLIS);
                return false;
            }
            ScriptedHttpServer.writeCompleteStream(output, 4);
            return true;
        });
                NettyInferenceClient client = NettyInferenceClient.create(
                        ClientOptions.builder(server.baseUrl(false)).ioThreads(1).build())) {
            // One closed-loop user sends request 1 from request 0's terminal callback.
            EndToEndRun.Result run = EndToEndRun.run(client, server.baseUrl(false), out,
                    "reuse", "reuse", 1, 2, 4, null);

            RequestLogEntry first = run.requests().get(0);
            RequestLogEntry second = run.requests().get(1);
            assertThat(first.error()).isEqualTo("truncated");
            assertThat(second.error()).as("error of the request after the truncated one").isNull();
            assertThat(second.tokenEvents()).isEqualTo(4);
            assertThat(server.connections()).isEqualTo(2);
        }
    }

    private static void writeTruncatedStream(OutputStream output) throws Exception {
        ScriptedHttpServer.writeHead(output, "200 OK", "Content-Type: text/event-stream",
                "Transfer-Encoding: chunked");
        ScriptedHttpServer.writeChunk(output, ScriptedHttpServer.chatEvent("cut", null));
        ScriptedHttpServer.writeChunk(output, ScriptedHttpServer.chatEvent("off", null));
        ScriptedHttpServer.writeLastChunk(output);
    }
}
