package io.tokenmark.simulator;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client over a plain socket, for tests that need what the JDK client hides:
 * the time of every socket read, resets, stalls, close-delimited bodies and one-byte trickles.
 *
 * <p>It decodes chunked, content-length and close-delimited bodies, splits the body into
 * server-sent events at blank lines, and stamps each event with {@code System.nanoTime()} taken
 * after the read that completed it, the way TokenMark's client measures. One connection serves
 * several requests in turn (keep-alive).
 */
public final class RawHttpConnection implements Closeable {
    /** How a response ended. */
    public enum Ending {
        /** The body was complete: last chunk, or content length reached. */
        COMPLETE,
        /** The server closed the connection (the end of a close-delimited body, or early). */
        EOF,
        /** The connection was reset. */
        RESET,
        /** No byte arrived within the read timeout. */
        TIMEOUT,
        /** Bytes kept coming, but the response took longer than the caller's deadline. */
        DEADLINE
    }

    /** One server-sent event: its data field (data lines joined by LF) and arrival time. */
    public record Event(String data, long arrivalNanos) {
        public boolean isDone() {
            return data.equals("[DONE]");
        }
    }

    /** A response as received. */
    public static final class Response {
        public int status;
        public final Map<String, String> headers = new LinkedHashMap<>();
        public final List<Event> events = new ArrayList<>();
        public final List<Long> readNanos = new ArrayList<>();
        public final ByteArrayOutputStream body = new ByteArrayOutputStream();
        public Ending ending;
        public long sendNanos;
        /** Arrival of the end of the headers, or -1 if they never came. */
        public long headersNanos = -1;
        public long endNanos;

        public String bodyText() {
            return body.toString(StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] readBuffer = new byte[64 * 1024];
    /** Bytes read but not consumed by the previous response. */
    private final ByteArrayOutputStream leftover = new ByteArrayOutputStream();

    public RawHttpConnection(int port) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Sends a request and reads the whole response. */
    public static Response exchange(int port, String method, String path,
            Map<String, String> headers, String body, int readTimeoutMillis) throws IOException {
        try (RawHttpConnection connection = new RawHttpConnection(port)) {
            connection.send(method, path, headers, body);
            return connection.readResponse(readTimeoutMillis);
        }
    }

    /** Sends a POST with a JSON body and reads the whole response. */
    public static Response post(int port, String path, String json, Map<String, String> headers)
            throws IOException {
        return exchange(port, "POST", path, headers, json, 10_000);
    }

    /** Writes a request; the send time of the next {@link #readResponse} is taken here. */
    public void send(String method, String path, Map<String, String> headers, String body)
            throws IOException {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        head.append("Host: 127.0.0.1\r\n");
        if (body != null) {
            head.append("Content-Type: application/json\r\n");
            head.append("Content-Length: ").append(content.length).append("\r\n");
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] request = new byte[headBytes.length + content.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(content, 0, request, headBytes.length, content.length);
        lastSendNanos = System.nanoTime();
        out.write(request);
        out.flush();
    }

    private long lastSendNanos;

    /**
     * Reads one response, stopping at its end, at EOF, at a reset, or when no byte arrives for
     * {@code readTimeoutMillis}.
     */
    public Response readResponse(int readTimeoutMillis) throws IOException {
        return readResponse(readTimeoutMillis, Long.MAX_VALUE);
    }

    /**
     * Reads one response like {@link #readResponse(int)}, but stops with {@link Ending#DEADLINE}
     * once {@code deadlineMillis} have passed since the request was sent, even while bytes keep
     * arriving.
     */
    public Response readResponse(int readTimeoutMillis, long deadlineMillis) throws IOException {
        socket.setSoTimeout(readTimeoutMillis);
        long deadlineNanos = deadlineMillis == Long.MAX_VALUE
                ? Long.MAX_VALUE : lastSendNanos + deadlineMillis * 1_000_000;
        Response response = new Response();
        response.sendNanos = lastSendNanos;
        Decoder decoder = new Decoder(response);
        byte[] pending = leftover.toByteArray();
        leftover.reset();
        if (pending.length > 0 && decoder.feed(pending, pending.length, System.nanoTime())) {
            response.ending = Ending.COMPLETE;
            response.endNanos = System.nanoTime();
            return response;
        }
        while (true) {
            int n;
            try {
                n = in.read(readBuffer);
            } catch (SocketTimeoutException e) {
                response.ending = Ending.TIMEOUT;
                break;
            } catch (SocketException e) {
                response.ending = Ending.RESET;
                break;
            }
            long now = System.nanoTime();
            if (n < 0) {
                decoder.endOfStream(now);
                response.ending = Ending.EOF;
                break;
            }
            response.readNanos.add(now);
            if (decoder.feed(readBuffer, n, now)) {
                response.ending = Ending.COMPLETE;
                break;
            }
            if (now - deadlineNanos > 0) {
                response.ending = Ending.DEADLINE;
                break;
            }
        }
        response.endNanos = System.nanoTime();
        return response;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Incremental response decoder: head, then a chunked, sized or close-delimited body. */
    private final class Decoder {
        private final Response response;
        private final ByteArrayOutputStream head = new ByteArrayOutputStream();
        private final StringBuilder sse = new StringBuilder();
        private final ByteArrayOutputStream sseBytes = new ByteArrayOutputStream();
        private boolean inBody;
        private boolean chunked;
        private long remaining = -1;
        private long chunkLeft = -1;
        private final ByteArrayOutputStream sizeLine = new ByteArrayOutputStream();
        private int crlfToSkip;
        private boolean lastChunk;

        Decoder(Response response) {
            this.response = response;
        }

        /** Consumes bytes; returns true when the response is complete. */
        boolean feed(byte[] bytes, int length, long nowNanos) throws IOException {
            for (int i = 0; i < length; i++) {
                byte b = bytes[i];
                if (!inBody) {
                    head.write(b);
                    if (endsWithBlankLine(head)) {
                        parseHead(nowNanos);
                        if (remaining == 0) {
                            keepRest(bytes, i + 1, length);
                            return true;
                        }
                    }
                    continue;
                }
                if (bodyByte(b, nowNanos)) {
                    keepRest(bytes, i + 1, length);
                    return true;
                }
            }
            return false;
        }

        void endOfStream(long nowNanos) {
            flushEvents(nowNanos, true);
        }

        private void keepRest(byte[] bytes, int from, int length) {
            leftover.write(bytes, from, length - from);
        }

        private boolean bodyByte(byte b, long nowNanos) {
            if (!chunked) {
                payload(b, nowNanos);
                if (remaining > 0) {
                    remaining--;
                    return remaining == 0;
                }
                return false;
            }
            if (crlfToSkip > 0) {
                crlfToSkip--;
                return lastChunk && crlfToSkip == 0;
            }
            if (chunkLeft <= 0) {
                sizeLine.write(b);
                byte[] line = sizeLine.toByteArray();
                if (line.length >= 2 && line[line.length - 2] == '\r' && line[line.length - 1] == '\n') {
                    String hex = new String(line, 0, line.length - 2, StandardCharsets.US_ASCII);
                    int semicolon = hex.indexOf(';');
                    chunkLeft = Long.parseLong((semicolon >= 0 ? hex.substring(0, semicolon) : hex)
                            .strip(), 16);
                    sizeLine.reset();
                    if (chunkLeft == 0) {
                        lastChunk = true;
                        crlfToSkip = 2;
                    }
                }
                return false;
            }
            payload(b, nowNanos);
            chunkLeft--;
            if (chunkLeft == 0) {
                crlfToSkip = 2;
                chunkLeft = -1;
            }
            return false;
        }

        private void payload(byte b, long nowNanos) {
            response.body.write(b);
            sseBytes.write(b);
            if (b == '\n') {
                flushEvents(nowNanos, false);
            }
        }

        /** Splits complete events (ended by a blank line) off the received text. */
        private void flushEvents(long nowNanos, boolean atEnd) {
            sse.append(sseBytes.toString(StandardCharsets.UTF_8));
            sseBytes.reset();
            int end;
            while ((end = sse.indexOf("\n\n")) >= 0) {
                String block = sse.substring(0, end);
                sse.delete(0, end + 2);
                StringBuilder data = new StringBuilder();
                boolean hasData = false;
                for (String line : block.split("\n", -1)) {
                    if (line.startsWith("data:")) {
                        String value = line.substring(5);
                        if (value.startsWith(" ")) {
                            value = value.substring(1);
                        }
                        if (hasData) {
                            data.append('\n');
                        }
                        data.append(value);
                        hasData = true;
                    }
                }
                if (hasData) {
                    response.events.add(new Event(data.toString(), nowNanos));
                }
            }
        }

        private void parseHead(long nowNanos) {
            inBody = true;
            response.headersNanos = nowNanos;
            String text = head.toString(StandardCharsets.ISO_8859_1);
            String[] lines = text.split("\r\n");
            response.status = Integer.parseInt(lines[0].split(" ")[1]);
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    response.headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).strip());
                }
            }
            String transfer = response.header("transfer-encoding");
            String length = response.header("content-length");
            if (transfer != null && transfer.equalsIgnoreCase("chunked")) {
                chunked = true;
            } else if (length != null) {
                remaining = Long.parseLong(length);
            }
        }

        private boolean endsWithBlankLine(ByteArrayOutputStream bytes) {
            byte[] b = bytes.toByteArray();
            int n = b.length;
            return n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r'
                    && b[n - 1] == '\n';
        }
    }
}
