package io.tokenmark.netty.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.LongSupplier;
import javax.net.ServerSocketFactory;

/**
 * A small HTTP/1.1 server on 127.0.0.1 for tests: it reads each request and responds with a
 * scripted response whose segments it writes at given times after the request arrived, one
 * socket write and flush per segment. Plain blocking sockets and one thread per connection keep
 * the timing easy to reason about. Keep-alive connections serve several requests in turn.
 */
public final class ScriptedServer implements AutoCloseable {

    /** How the response body is delimited. */
    public enum Framing {
        /** {@code Transfer-Encoding: chunked}, one chunk per segment, as uvicorn and vLLM send. */
        CHUNKED,
        /** No length; {@code Connection: close}; the body ends when the server closes. */
        CLOSE_DELIMITED,
        /** {@code Content-Length} of all segments together. */
        CONTENT_LENGTH
    }

    /** What the server does after the last segment. */
    public enum Ending {
        /** End the body cleanly and keep the connection open for the next request. */
        END,
        /** End the body cleanly, then close the connection. */
        CLOSE,
        /** Send nothing more and keep the connection open until the client closes it. */
        STALL,
        /** Close without ending a chunked body (a premature close). */
        ABORT,
        /** Reset the connection (TCP RST). */
        RESET
    }

    /** Bytes to send at {@code atMillis} after the request arrived. */
    public record Segment(byte[] bytes, long atMillis) {
        public static Segment of(String text, long atMillis) {
            return new Segment(text.getBytes(StandardCharsets.UTF_8), atMillis);
        }
    }

    /** A scripted response. */
    public record Response(int status, Map<String, String> headers, List<Segment> segments,
            Framing framing, Ending ending) {
        /** Returns a 200 {@code text/event-stream} response, chunked, ending cleanly. */
        public static Response sse(Segment... segments) {
            return new Response(200, Map.of("Content-Type", "text/event-stream"),
                    List.of(segments), Framing.CHUNKED, Ending.END);
        }

        public Response withEnding(Ending newEnding) {
            return new Response(status, headers, segments, framing, newEnding);
        }

        public Response withFraming(Framing newFraming) {
            return new Response(status, headers, segments, newFraming, ending);
        }
    }

    /** A request as the server read it; header names are lower case. */
    public record ReceivedRequest(String method, String target, Map<String, String> headers,
            byte[] body, int connection, long arrivalNanos) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final ServerSocket serverSocket;
    private final Function<ReceivedRequest, Response> script;
    private final List<ReceivedRequest> requests = new CopyOnWriteArrayList<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger maxActive = new AtomicInteger();
    private final AtomicLong maxLatenessNanos = new AtomicLong();
    private final Thread acceptor;
    private volatile boolean closed;
    private volatile LongSupplier anchor;

    private ScriptedServer(ServerSocket serverSocket, Function<ReceivedRequest, Response> script) {
        this.serverSocket = serverSocket;
        this.script = script;
        this.acceptor = new Thread(this::acceptLoop, "scripted-server-accept");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /** Starts a plain HTTP server on 127.0.0.1 and an ephemeral port. */
    public static ScriptedServer start(Function<ReceivedRequest, Response> script) throws IOException {
        return start(ServerSocketFactory.getDefault(), script);
    }

    /** Starts a server whose sockets come from {@code factory}, such as a TLS one. */
    public static ScriptedServer start(ServerSocketFactory factory,
            Function<ReceivedRequest, Response> script) throws IOException {
        ServerSocket socket = factory.createServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new ScriptedServer(socket, script);
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    /** {@code http://127.0.0.1:<port>/v1}, or {@code https://…} when {@code https}. */
    public URI baseUrl(boolean https) {
        return URI.create((https ? "https" : "http") + "://127.0.0.1:" + port() + "/v1");
    }

    public URI baseUrl() {
        return baseUrl(false);
    }

    /**
     * Makes segment times count from the value {@code sendNanos} returns (when positive and
     * earlier than the request's arrival) instead of from the arrival. Tests in the same JVM
     * pass the client's send time here, so that the server thread's wake-up delay on a loaded
     * machine does not shift every segment. The server waits up to 200 ms for the value.
     */
    public void anchorSegmentsTo(LongSupplier sendNanos) {
        this.anchor = sendNanos;
    }

    /** Returns every request read so far, in arrival order. */
    public List<ReceivedRequest> requests() {
        return Collections.unmodifiableList(requests);
    }

    /** Number of connections accepted so far. */
    public int connectionsAccepted() {
        return accepted.get();
    }

    /**
     * Returns the largest delay, over every segment written so far, between when a segment was
     * due and when the server started writing it. On a loaded machine the server thread can
     * wake up late, and then the stream is not the one the test scripted.
     */
    public long maxLatenessNanos() {
        return maxLatenessNanos.get();
    }

    /** Largest number of connections open at the same time. */
    public int maxConcurrentConnections() {
        return maxActive.get();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        serverSocket.close();
        for (Socket socket : sockets) {
            socket.close();
        }
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = serverSocket.accept();
                int connection = accepted.incrementAndGet();
                sockets.add(socket);
                Thread worker = new Thread(() -> serve(socket, connection),
                        "scripted-server-" + connection);
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException("scripted server accept failed", e);
                }
            }
        }
    }

    private void serve(Socket socket, int connection) {
        maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (!closed) {
                ReceivedRequest request = readRequest(in, connection);
                if (request == null) {
                    return;
                }
                requests.add(request);
                Response response = script.apply(request);
                if (!respond(socket, in, out, request, response)) {
                    return;
                }
            }
        } catch (IOException e) {
            // The client closed or reset the connection; nothing more to serve on it.
        } finally {
            active.decrementAndGet();
            sockets.remove(socket);
        }
    }

    /** Writes the response; returns whether the connection stays open for another request. */
    private boolean respond(Socket socket, InputStream in, OutputStream out,
            ReceivedRequest request, Response response) throws IOException {
        int total = 0;
        for (Segment segment : response.segments()) {
            total += segment.bytes().length;
        }
        StringBuilder head = new StringBuilder("HTTP/1.1 " + response.status() + " "
                + (response.status() < 300 ? "OK" : "Error") + "\r\n");
        response.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        switch (response.framing()) {
            case CHUNKED -> head.append("Transfer-Encoding: chunked\r\n");
            case CLOSE_DELIMITED -> head.append("Connection: close\r\n");
            case CONTENT_LENGTH -> head.append("Content-Length: ").append(total).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();

        long base = segmentBase(request);
        List<Segment> segments = response.segments();
        boolean chunked = response.framing() == Framing.CHUNKED;
        boolean endBody = response.ending() == Ending.END || response.ending() == Ending.CLOSE;
        for (int i = 0; i < segments.size(); i++) {
            Segment segment = segments.get(i);
            long due = base + TimeUnit.MILLISECONDS.toNanos(segment.atMillis());
            sleepUntil(due);
            maxLatenessNanos.accumulateAndGet(System.nanoTime() - due, Math::max);
            ByteArrayOutputStream write = new ByteArrayOutputStream(segment.bytes().length + 16);
            if (chunked && segment.bytes().length > 0) {
                write.write((Integer.toHexString(segment.bytes().length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                write.write(segment.bytes());
                write.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                write.write(segment.bytes());
            }
            if (chunked && endBody && i == segments.size() - 1) {
                // Like most servers, end the chunked body in the same write as its last chunk.
                write.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            if (write.size() > 0) {
                out.write(write.toByteArray());
                out.flush();
            }
        }
        if (chunked && endBody && segments.isEmpty()) {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        switch (response.ending()) {
            case END, CLOSE -> {
                return response.ending() == Ending.END && response.framing() != Framing.CLOSE_DELIMITED;
            }
            case STALL -> {
                // Hold the connection until the client gives up and closes it.
                while (in.read() >= 0) {
                    // Discard anything the client sends.
                }
                return false;
            }
            case RESET -> {
                socket.setSoLinger(true, 0);
                return false;
            }
            default -> {
                return false;
            }
        }
    }

    private long segmentBase(ReceivedRequest request) {
        LongSupplier source = anchor;
        if (source == null) {
            return request.arrivalNanos();
        }
        long deadline = request.arrivalNanos() + TimeUnit.MILLISECONDS.toNanos(200);
        long sent;
        while ((sent = source.getAsLong()) <= 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(100_000);
        }
        return sent > 0 && sent < request.arrivalNanos() ? sent : request.arrivalNanos();
    }

    private static ReceivedRequest readRequest(InputStream in, int connection) throws IOException {
        String requestLine = readLine(in);
        if (requestLine == null || requestLine.isEmpty()) {
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        long arrival = System.nanoTime();
        String[] parts = requestLine.split(" ");
        return new ReceivedRequest(parts[0], parts[1], headers, body, connection, arrival);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    private static void sleepUntil(long deadlineNanos) {
        long remaining;
        while ((remaining = deadlineNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(remaining);
        }
    }
}
