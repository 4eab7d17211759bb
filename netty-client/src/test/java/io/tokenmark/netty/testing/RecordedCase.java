package io.tokenmark.netty.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One recorded SSE case from core's test resources ({@code cases/*.json}, format in the README
 * beside them): a server's response and the values a correct client reports for it.
 *
 * @param id case id such as {@code B01}
 * @param httpStatus status the server sends
 * @param headers response headers the server sends
 * @param sse the decoded body text
 * @param wireBody the bytes on the wire: {@code body_b64} when present (gzip), else the UTF-8
 *     of {@code sse}
 * @param chunkSplits offsets into {@code wireBody} where the server flushes
 * @param segmentTimesMillis when each segment is sent, after the request arrives; empty when
 *     the case gives no times
 * @param afterLastSegment {@code null}, {@code "close"} or {@code "stall"}
 * @param readTimeoutMillis the read timeout to configure, or {@code -1}
 * @param expected the {@code expected} object
 * @param requests the items of a multi-request case ({@code requests}), each with the id
 *     {@code <case>#<index>} and an empty {@code expected}; empty for a single-request case
 */
public record RecordedCase(String id, int httpStatus, Map<String, String> headers, String sse,
        byte[] wireBody, int[] chunkSplits, long[] segmentTimesMillis, String afterLastSegment,
        long readTimeoutMillis, JsonNode expected, List<RecordedCase> requests) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Loads every {@code cases/*.json} on the test class path, sorted by file name. Works for a
     * folder (a reactor build) and for a jar (core's installed test-jar).
     */
    public static List<RecordedCase> all() {
        return all(RecordedCase.class.getClassLoader());
    }

    /** Loads every {@code cases/*.json} that {@code loader} can see, sorted by file name. */
    static List<RecordedCase> all(ClassLoader loader) {
        List<RecordedCase> cases = new ArrayList<>();
        try {
            Iterator<URL> roots = loader.getResources("cases").asIterator();
            while (roots.hasNext()) {
                cases.addAll(loadFolder(roots.next()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (cases.isEmpty()) {
            throw new IllegalStateException("no cases/*.json on the test class path: the"
                    + " tokenmark-core test-jar dependency is missing");
        }
        cases.sort((a, b) -> a.id().compareTo(b.id()));
        return cases;
    }

    private static List<RecordedCase> loadFolder(URL url) throws IOException {
        URI uri;
        try {
            uri = url.toURI();
        } catch (URISyntaxException e) {
            throw new IOException("invalid resource URL " + url, e);
        }
        if ("jar".equals(uri.getScheme())) {
            FileSystem jar;
            boolean opened = false;
            try {
                jar = FileSystems.newFileSystem(uri, Map.of());
                opened = true;
            } catch (FileSystemAlreadyExistsException e) {
                jar = FileSystems.getFileSystem(uri);
            }
            try {
                return loadFiles(jar.getPath("cases"));
            } finally {
                if (opened) {
                    jar.close();
                }
            }
        }
        return loadFiles(Path.of(uri));
    }

    private static List<RecordedCase> loadFiles(Path folder) throws IOException {
        List<RecordedCase> cases = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (file.getFileName().toString().endsWith(".json")) {
                    try (InputStream in = Files.newInputStream(file)) {
                        cases.add(parse(JSON.readTree(in)));
                    }
                }
            }
        }
        return cases;
    }

    static RecordedCase parse(JsonNode node) {
        return parse(node, node.path("id").asText());
    }

    private static RecordedCase parse(JsonNode node, String id) {
        String sse = node.path("sse").asText("");
        byte[] wire = node.hasNonNull("body_b64")
                ? Base64.getDecoder().decode(node.get("body_b64").asText())
                : sse.getBytes(StandardCharsets.UTF_8);

        Map<String, String> headers = new LinkedHashMap<>();
        node.path("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));

        JsonNode splits = node.path("chunk_splits");
        int[] chunkSplits = new int[splits.size()];
        for (int i = 0; i < chunkSplits.length; i++) {
            chunkSplits[i] = splits.get(i).asInt();
        }
        JsonNode times = node.path("segment_times_ms");
        long[] segmentTimes = new long[times.size()];
        for (int i = 0; i < segmentTimes.length; i++) {
            segmentTimes[i] = times.get(i).asLong();
        }

        List<RecordedCase> requests = new ArrayList<>();
        JsonNode items = node.path("requests");
        for (int i = 0; i < items.size(); i++) {
            requests.add(parse(items.get(i), id + "#" + i));
        }

        return new RecordedCase(id, node.path("http_status").asInt(200),
                Collections.unmodifiableMap(headers), sse, wire, chunkSplits, segmentTimes,
                node.hasNonNull("after_last_segment") ? node.get("after_last_segment").asText() : null,
                node.path("read_timeout_ms").asLong(-1), node.path("expected"),
                List.copyOf(requests));
    }

    /** Returns the wire body cut at the case's split offsets (clamped to the body's length). */
    public List<byte[]> segments() {
        List<byte[]> segments = new ArrayList<>();
        int start = 0;
        for (int split : chunkSplits) {
            int end = Math.min(Math.max(split, start), wireBody.length);
            segments.add(java.util.Arrays.copyOfRange(wireBody, start, end));
            start = end;
        }
        segments.add(java.util.Arrays.copyOfRange(wireBody, start, wireBody.length));
        return segments;
    }

    /** Returns when the last segment is sent, in ms after the request arrives. */
    public long lastSegmentMillis() {
        return segmentTimeMillis(chunkSplits.length);
    }

    /** Returns the send time of segment {@code i} in ms after the request arrives; 0 when none given. */
    public long segmentTimeMillis(int i) {
        return i < segmentTimesMillis.length ? segmentTimesMillis[i] : 0;
    }

    @Override
    public String toString() {
        return id;
    }
}
