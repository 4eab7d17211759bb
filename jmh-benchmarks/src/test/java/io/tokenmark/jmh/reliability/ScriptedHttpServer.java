package io.tokenmark.jmh.reliability;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ServerSocketFactory;

/**
 * A blocking HTTP/1.1 server on 127.0.0.1 whose responses a test writes byte by byte. It serves
 * what the simulator cannot: endless streams, unterminated events, a response cut off on one
 * connection only, an error body that quotes the request's headers, and TLS with a self-signed
 * certificate.
 *
 * <p>Each connection runs on its own thread. The server reads one request (headers and a
 * {@code Content-Length} body), hands it to the {@link Handler}, and reads the next request on
 * the same connection while the handler returns {@code true}.
 */
final class ScriptedHttpServer implements AutoCloseable {
    private static final int CRLF_CRLF = 0x0D0A0D0A;

    /** Writes the response to one request. */
    interface Handler {
        /**
         * @param connection the connection's number, from 0 in accept order
         * @param request the request as read
         * @param out the connection's output; the handler writes status line, headers and body
         * @return whether to read another request from the connection; {@code false} closes it
         */
        boolean respond(int connection, Request request, OutputStream out) throws Exception;
    }

    /**
     * One request as read.
     *
     * @param requestLine such as {@code POST /v1/chat/completions HTTP/1.1}
     * @param headers header values by lower-case name
     * @param body the body bytes
     */
    record Request(String requestLine, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final ServerSocket serverSocket;
    private final Handler handler;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "scripted-http-server");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final CopyOnWriteArrayList<Request> requests = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private ScriptedHttpServer(ServerSocket serverSocket, Handler handler) {
        this.serverSocket = serverSocket;
        this.handler = handler;
    }

    /** Starts a plain-text server on a free port of 127.0.0.1. */
    static ScriptedHttpServer start(Handler handler) throws IOException {
        return start(ServerSocketFactory.getDefault(), handler);
    }

    /** Starts a server whose sockets come from {@code factory}, such as a TLS factory. */
    static ScriptedHttpServer start(ServerSocketFactory factory, Handler handler)
            throws IOException {
        ServerSocket socket = factory.createServerSocket(0, 128, InetAddress.getLoopbackAddress());
        ScriptedHttpServer server = new ScriptedHttpServer(socket, handler);
        server.threads.execute(server::acceptLoop);
        return server;
    }

    /** Returns {@code http(s)://127.0.0.1:<port>/v1}. */
    URI baseUrl(boolean https) {
        return URI.create((https ? "https" : "http") + "://127.0.0.1:"
                + serverSocket.getLocalPort() + "/v1");
    }

    /** Returns the number of connections accepted so far. */
    int connections() {
        return accepted.get();
    }

    /** Returns the requests read so far, in arrival order. */
    List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        serverSocket.close();
        for (Socket socket : sockets) {
            socket.close();
        }
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes a status line, headers and CRLF; the caller writes the body. */
    static void writeHead(OutputStream out, String statusLine, String... headers)
            throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(statusLine).append("\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Writes one chunk of a chunked body and flushes it. */
    static void writeChunk(OutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Writes the last chunk, which ends a chunked body. */
    static void writeLastChunk(OutputStream out) throws IOException {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Returns an SSE event carrying one chat completion chunk with {@code content}. */
    static String chatEvent(String content, String finishReason) {
        return "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{"
                + "\"index\":0,\"delta\":{\"content\":\"" + content + "\"},\"finish_reason\":"
                + (finishReason == null ? "null" : "\"" + finishReason + "\"") + "}]}\n\n";
    }

    /**
     * Writes a complete streamed chat response of {@code tokens} token events, the last with
     * {@code finish_reason: length}, then {@code [DONE]}, keeping the connection open.
     */
    static void writeCompleteStream(OutputStream out, int tokens) throws IOException {
        writeHead(out, "200 OK", "Content-Type: text/event-stream",
                "Transfer-Encoding: chunked");
        for (int i = 0; i < tokens; i++) {
            writeChunk(out, chatEvent("t" + i, i == tokens - 1 ? "length" : null));
        }
        writeChunk(out, "data: [DONE]\n\n");
        writeLastChunk(out);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                return;
            }
            int connection = accepted.getAndIncrement();
            sockets.add(socket);
            threads.execute(() -> serve(connection, socket));
        }
    }

    private void serve(int connection, Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (!closed) {
                Request request = readRequest(in);
                if (request == null) {
                    return;
                }
                requests.add(request);
                if (!handler.respond(connection, request, out)) {
                    return;
                }
            }
        } catch (Exception e) {
            // The client closed or reset the connection, rejected the TLS handshake, or the
            // server is closing (interrupting the handler): the connection is over either way.
        } finally {
            sockets.remove(socket);
        }
    }

    /** Reads one request; returns {@code null} at the end of the stream. */
    private static Request readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
        int lastFourBytes = 0;
        while (lastFourBytes != CRLF_CRLF) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            headBytes.write(b);
            lastFourBytes = (lastFourBytes << 8) | b;
        }
        String[] lines = headBytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).strip());
            }
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        return new Request(lines[0], headers, body);
    }
}
