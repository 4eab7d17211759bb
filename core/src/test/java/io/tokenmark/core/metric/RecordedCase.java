package io.tokenmark.core.metric;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A recorded streaming case from the {@code cases/} test resources (format in
 * {@code cases/README.md}): one or more server responses with the time each body segment was
 * sent, plus the values a correct client reports.
 *
 * <p>Cases are listed from the classpath folder itself, whether it is a directory or inside a
 * test-jar, so cases added later are picked up without an index.
 */
public final class RecordedCase {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String fileName;
    private final JsonNode json;

    private RecordedCase(String fileName, JsonNode json) {
        this.fileName = fileName;
        this.json = json;
    }

    /** Returns every case on the classpath, sorted by file name. */
    public static List<RecordedCase> all() {
        URL folder = RecordedCase.class.getClassLoader().getResource("cases");
        if (folder == null) {
            throw new IllegalStateException("no cases/ folder on the test classpath");
        }
        try {
            URI uri = folder.toURI();
            if (uri.getScheme().equals("jar")) {
                FileSystem jar;
                try {
                    jar = FileSystems.getFileSystem(uri);
                } catch (FileSystemNotFoundException e) {
                    jar = FileSystems.newFileSystem(uri, Map.of());
                }
                return list(jar.provider().getPath(uri));
            }
            return list(Path.of(uri));
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot list the cases at " + folder, e);
        }
    }

    /** Returns the case with the given id, such as {@code B05}. */
    public static RecordedCase byId(String id) {
        return all().stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no case " + id));
    }

    private static List<RecordedCase> list(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> json = files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .collect(Collectors.toList());
            List<RecordedCase> cases = new ArrayList<>();
            for (Path file : json) {
                try (InputStream in = Files.newInputStream(file)) {
                    cases.add(new RecordedCase(file.getFileName().toString(), MAPPER.readTree(in)));
                }
            }
            return cases;
        }
    }

    public String id() {
        return json.path("id").asText(fileName);
    }

    /** Returns the {@code expected} object. */
    public JsonNode expected() {
        return json.path("expected");
    }

    /** Returns whether the case has a {@code requests} list (a multi-request scenario). */
    public boolean isMultiRequest() {
        return json.has("requests");
    }

    /**
     * Returns the case's responses: the {@code requests} items, or the top-level stream as one
     * response.
     */
    public List<Response> responses() {
        List<Response> responses = new ArrayList<>();
        if (isMultiRequest()) {
            for (JsonNode item : json.get("requests")) {
                responses.add(new Response(item, json));
            }
        } else {
            responses.add(new Response(json, json));
        }
        return responses;
    }

    @Override
    public String toString() {
        return id() + " (" + json.path("kind").asText() + ")";
    }

    /** One recorded HTTP response and when the client sent its request. */
    public static final class Response {
        private final JsonNode item;
        private final JsonNode root;

        Response(JsonNode item, JsonNode root) {
            this.item = item;
            this.root = root;
        }

        public int httpStatus() {
            return item.path("http_status").asInt(200);
        }

        /** When the client sent the request, in ms after the scenario start ({@code start_ms}). */
        public double startMillis() {
            return item.path("start_ms").asDouble(0);
        }

        /** When the schedule wanted it sent ({@code scheduled_ms}), defaulting to the start. */
        public double scheduledMillis() {
            return item.has("scheduled_ms") ? item.get("scheduled_ms").asDouble() : startMillis();
        }

        /** Returns the decoded body text (the {@code sse} field). */
        public String bodyText() {
            return item.path("sse").asText();
        }

        /** Returns the wire bytes: {@code body_b64} when present, else the UTF-8 of the text. */
        public byte[] wireBytes() {
            if (item.has("body_b64")) {
                return Base64.getDecoder().decode(item.get("body_b64").asText());
            }
            return bodyText().getBytes(StandardCharsets.UTF_8);
        }

        public boolean gzipped() {
            return item.has("body_b64");
        }

        /** Byte offsets into the wire bytes where the server flushed. */
        public int[] chunkSplits() {
            JsonNode splits = item.path("chunk_splits");
            int[] result = new int[splits.size()];
            for (int i = 0; i < result.length; i++) {
                result[i] = splits.get(i).asInt();
            }
            return result;
        }

        /** When each segment was sent, in ms after the request arrived; zeros when absent. */
        public double[] segmentTimesMillis() {
            int segments = chunkSplits().length + 1;
            double[] times = new double[segments];
            JsonNode recorded = item.path("segment_times_ms");
            for (int i = 0; i < segments && i < recorded.size(); i++) {
                times[i] = recorded.get(i).asDouble();
            }
            return times;
        }

        /** {@code null}, {@code "close"} or {@code "stall"}. */
        public String afterLastSegment() {
            JsonNode after = item.has("after_last_segment")
                    ? item.get("after_last_segment") : root.get("after_last_segment");
            return after == null || after.isNull() ? null : after.asText();
        }

        /** Returns the read timeout of a {@code stall} case, in ms. */
        public double readTimeoutMillis() {
            return item.has("read_timeout_ms") ? item.get("read_timeout_ms").asDouble()
                    : root.path("read_timeout_ms").asDouble(0);
        }
    }

    /** Reads all of {@code in}; for the gzip decoder. */
    static byte[] readAll(InputStream in) {
        try (InputStream input = in; ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            input.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
