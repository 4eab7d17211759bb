package io.tokenmark.jmh.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.core.report.RequestLogEntry;
import io.tokenmark.core.run.RunOutcome;
import io.tokenmark.netty.NettyInferenceClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS certificate verification end to end, against a server on 127.0.0.1 whose certificate is
 * self-signed. Verification is on by default, so every request fails to connect. It is off only
 * when asked, and then the client logs a warning.
 */
@ExtendWith(ByteBufLeakCheck.class)
class TlsVerificationTest {
    private static final int REQUESTS = 4;

    private static SSLContext serverContext;

    @TempDir
    Path out;

    @BeforeAll
    static void createCertificate(@TempDir Path folder) throws Exception {
        serverContext = SelfSignedTls.serverContext(folder);
    }

    private static ScriptedHttpServer startServer() throws Exception {
        return ScriptedHttpServer.start(serverContext.getServerSocketFactory(),
                (connection, request, output) -> {
                    ScriptedHttpServer.writeCompleteStream(output, 4);
                    return true;
                });
    }

    private static ClientOptions options(URI target, boolean insecure) {
        return ClientOptions.builder(target).ioThreads(1).insecureTls(insecure).build();
    }

    @Test
    void selfSignedCertificateFailsByDefault() throws Exception {
        try (ScriptedHttpServer server = startServer();
                NettyInferenceClient client = NettyInferenceClient.create(
                        options(server.baseUrl(true), false))) {
            EndToEndRun.Result run = EndToEndRun.run(client, server.baseUrl(true), out, "tls",
                    "tls", 2, REQUESTS, 4, null);

            assertThat(run.result().outcome()).isEqualTo(RunOutcome.COMPLETED);
            assertThat(run.result().allRequestsFailed()).isTrue();
            assertThat(run.summary().failuresByError())
                    .isEqualTo(Map.of("connect_failed", (long) REQUESTS));
            for (RequestLogEntry line : run.requests()) {
                assertThat(line.errorMessage()).contains("TLS handshake with 127.0.0.1:");
                assertThat(line.errorMessage()).contains("set insecureTls");
            }
            assertThat(server.requests()).as("requests the server read").isEmpty();
        }
    }

    @Test
    void insecureTlsAcceptsSelfSignedCertificate() throws Exception {
        try (ScriptedHttpServer server = startServer();
                NettyInferenceClient client = NettyInferenceClient.create(
                        options(server.baseUrl(true), true))) {
            EndToEndRun.Result run = EndToEndRun.run(client, server.baseUrl(true), out, "tls",
                    "tls", 2, REQUESTS, 4, null);

            assertThat(run.summary().succeededRequests()).isEqualTo(REQUESTS);
            assertThat(run.requests()).allSatisfy(line -> assertThat(line.tokenEvents()).isEqualTo(4));
        }
    }

    @Test
    void insecureTlsLogsWarning() throws Exception {
        URI target = URI.create("https://127.0.0.1:8443/v1");
        String log;
        try (ConsoleCapture console = ConsoleCapture.start()) {
            NettyInferenceClient.create(options(target, true)).close();
            log = console.text();
        }

        assertThat(log).contains("WARN");
        assertThat(log).contains("TLS certificate verification is off for " + target);
    }

    @Test
    void verifiedTlsLogsNoWarning() throws Exception {
        String log;
        try (ConsoleCapture console = ConsoleCapture.start()) {
            NettyInferenceClient.create(options(URI.create("https://127.0.0.1:8443/v1"), false))
                    .close();
            log = console.text();
        }

        assertThat(log).doesNotContain("verification is off");
    }
}
