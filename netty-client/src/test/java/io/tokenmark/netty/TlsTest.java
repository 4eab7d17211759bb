package io.tokenmark.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.core.client.ErrorKind;
import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.workload.RequestSpec;
import io.tokenmark.netty.testing.RecordingListener;
import io.tokenmark.netty.testing.ScriptedServer;
import io.tokenmark.netty.testing.ScriptedServer.Response;
import io.tokenmark.netty.testing.ScriptedServer.Segment;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS against a server on 127.0.0.1 with a self-signed certificate, generated for the test run
 * with the JDK's {@code keytool}: rejected by default, accepted with {@code insecureTls}.
 */
class TlsTest {
    private static final char[] PASSWORD = "test-only".toCharArray();
    private static final RequestSpec SPEC = RequestSpec.ofUserMessage("Say hello.", 16);
    private static final Response HELLO = Response.sse(Segment.of(
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"secure\"},"
                    + "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n", 0));

    private static SSLContext serverContext;

    @BeforeAll
    static void createCertificate(@TempDir Path folder) throws Exception {
        Path keystore = folder.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair",
                "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(process.exitValue()).as("keytool exit status; output: %s", output).isZero();

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD);
        serverContext = SSLContext.getInstance("TLS");
        serverContext.init(keys.getKeyManagers(), null, null);
    }

    @Test
    void tlsRejectsSelfSignedCertificateByDefault() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(
                serverContext.getServerSocketFactory(), request -> HELLO);
                NettyInferenceClient client = NettyInferenceClient.create(
                        ClientOptions.builder(server.baseUrl(true)).ioThreads(1).build())) {
            RecordingListener listener = new RecordingListener(SPEC);
            client.send("tls", SPEC, listener);
            RequestRecord record = listener.await(10_000);
            assertThat(record.error()).isEqualTo(ErrorKind.CONNECT_FAILED);
            assertThat(record.errorMessage()).contains("TLS handshake").contains("insecureTls");
            assertThat(listener.callbacks()).containsExactly("onFailure");
            assertThat(server.requests()).isEmpty();
        }
    }

    @Test
    void tlsAcceptsSelfSignedCertificateWhenInsecure() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(
                serverContext.getServerSocketFactory(), request -> HELLO);
                NettyInferenceClient client = NettyInferenceClient.create(
                        ClientOptions.builder(server.baseUrl(true)).ioThreads(1)
                                .insecureTls(true).retainText(true).build())) {
            RecordingListener listener = new RecordingListener(SPEC);
            client.send("tls", SPEC, listener);
            RequestRecord record = listener.await(10_000);
            assertThat(record.success()).isTrue();
            assertThat(record.answerText()).isEqualTo("secure");
            assertThat(record.sendNanos()).isLessThan(server.requests().get(0).arrivalNanos());
        }
    }
}
