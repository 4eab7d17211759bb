package io.tokenmark.netty.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.core.client.ErrorKind;
import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.workload.RequestSpec;
import io.tokenmark.netty.NettyInferenceClient;
import io.tokenmark.netty.testing.RecordingListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The failure messages a user reads when a connection goes wrong, against raw sockets on
 * 127.0.0.1: a plain-HTTP server behind an {@code https} URL, a server that never responds, and
 * the timeouts, which name both the command-line flag and the {@link ClientOptions} setting.
 */
class FailureMessageTest {
    private static final RequestSpec SPEC = RequestSpec.ofUserMessage("Say hello.", 16);
    /** The plain-HTTP response a server sends to a TLS ClientHello, with a long body. */
    private static final String PLAIN_HTTP_RESPONSE = "HTTP/1.1 400 Bad Request\r\n"
            + "Content-Type: text/plain\r\nConnection: close\r\n\r\n"
            + "This server speaks plain HTTP. ".repeat(20);

    private final List<Socket> accepted = new ArrayList<>();
    private ServerSocket server;

    @AfterEach
    void closeServer() throws IOException {
        for (Socket socket : accepted) {
            socket.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /**
     * Starts a server on 127.0.0.1 that reads what arrives and, when {@code response} is not null,
     * writes it and closes; with {@code null} it keeps every connection open and silent.
     */
    private URI startServer(String scheme, String response) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    synchronized (accepted) {
                        accepted.add(socket);
                    }
                    if (response != null) {
                        InputStream in = socket.getInputStream();
                        in.read(new byte[4096]);
                        OutputStream out = socket.getOutputStream();
                        out.write(response.getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        socket.close();
                    }
                } catch (IOException e) {
                    // The test closed the server, or the client gave up on the connection.
                }
            }
        }, "failure-message-server");
        acceptor.setDaemon(true);
        acceptor.start();
        return URI.create(scheme + "://127.0.0.1:" + server.getLocalPort() + "/v1");
    }

    private static RequestRecord send(ClientOptions options) throws Exception {
        try (NettyInferenceClient client = NettyInferenceClient.create(options)) {
            RecordingListener listener = new RecordingListener(SPEC);
            client.send("m", SPEC, listener);
            return listener.await(10_000);
        }
    }

    @Test
    void httpsToPlainHttpServerSuggestsHttp() throws Exception {
        URI url = startServer("https", PLAIN_HTTP_RESPONSE);

        RequestRecord record = send(ClientOptions.builder(url).ioThreads(1).build());

        assertThat(record.error()).isEqualTo(ErrorKind.CONNECT_FAILED);
        assertThat(record.errorMessage()).contains("127.0.0.1:" + url.getPort(),
                "responded in plain HTTP", "HTTP/1.1 400", "use http:// instead of https://");
        assertThat(record.errorMessage()).doesNotContain("485454502f");
        assertThat(record.errorMessage()).doesNotContain("This server speaks");
        assertThat(record.errorMessage().length()).isLessThan(250);
    }

    @Test
    void httpsToOtherProtocolShowsFirstBytes() throws Exception {
        URI url = startServer("https", "\u0001\u0002garbage that is neither TLS nor HTTP, "
                .repeat(10));

        RequestRecord record = send(ClientOptions.builder(url).ioThreads(1).build());

        assertThat(record.error()).isEqualTo(ErrorKind.CONNECT_FAILED);
        assertThat(record.errorMessage()).contains("did not respond in TLS",
                "first bytes in hex: 01026761726261676520746861742069)");
        assertThat(record.errorMessage().length()).isLessThan(250);
    }

    @Test
    void readTimeoutNamesFlagAndSetting() throws Exception {
        URI url = startServer("http", null);

        RequestRecord record = send(ClientOptions.builder(url).ioThreads(1)
                .readTimeoutMillis(200).build());

        assertThat(record.error()).isEqualTo(ErrorKind.READ_TIMEOUT);
        assertThat(record.errorMessage()).contains("200 ms", "--read-timeout",
                "readTimeoutMillis");
    }

    @Test
    void requestDeadlineNamesFlagAndSetting() throws Exception {
        URI url = startServer("http", null);

        RequestRecord record = send(ClientOptions.builder(url).ioThreads(1)
                .readTimeoutMillis(0).requestTimeoutMillis(200).build());

        assertThat(record.error()).isEqualTo(ErrorKind.CANCELLED);
        assertThat(record.errorMessage()).contains("200 ms", "--request-timeout",
                "requestTimeoutMillis");
    }
}
