package io.tokenmark.core.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenmark.core.metric.Metric;
import io.tokenmark.core.metric.Slo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The contents of {@code run.json}: what was benchmarked, how, and on which host. The harness
 * writes it once before the first request; {@code compare} and {@code report} read it.
 *
 * <p>It never contains a secret: the URL loses any user info and query string on construction, and
 * there is no field for headers or keys.
 *
 * @param label the run label
 * @param startedAt wall-clock start of the run
 * @param tokenmarkVersion the TokenMark version that ran, or {@code null} when unknown
 * @param targetUrl the base URL, without user info or query
 * @param model the model name sent with each request
 * @param api {@code chat} or {@code completions}
 * @param simulatorProfile the embedded simulator's profile, or {@code null} for an external server
 * @param workload the workload's one-line description
 * @param load the sweep as given, such as {@code closed loop, concurrency 1,4,16}
 * @param slo the goodput objectives, {@link Slo#none()} when there are none
 * @param host the client host
 * @param settings other settings worth keeping with the results, in insertion order
 */
public record RunMetadata(
        String label,
        Instant startedAt,
        String tokenmarkVersion,
        String targetUrl,
        String model,
        String api,
        String simulatorProfile,
        String workload,
        String load,
        Slo slo,
        Host host,
        Map<String, String> settings) {

    /** The {@code schema} value of {@code run.json}. */
    public static final String SCHEMA = "tokenmark-run";
    /** The format version written and read. */
    public static final int SCHEMA_VERSION = 1;

    /**
     * The client host.
     *
     * @param jvm JVM vendor and version
     * @param os operating system name, version and architecture
     * @param cores available processors
     * @param maxHeapBytes the JVM's maximum heap
     */
    public record Host(String jvm, String os, int cores, long maxHeapBytes) {
        /** Describes the JVM this code runs in. */
        public static Host current() {
            Runtime runtime = Runtime.getRuntime();
            return new Host(
                    System.getProperty("java.vm.vendor") + " " + System.getProperty("java.version"),
                    System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                            + System.getProperty("os.arch"),
                    runtime.availableProcessors(),
                    runtime.maxMemory());
        }
    }

    public RunMetadata {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(slo, "slo");
        Objects.requireNonNull(host, "host");
        targetUrl = withoutCredentials(targetUrl);
        settings = Map.copyOf(settings == null ? Map.of() : settings);
    }

    /**
     * Drops user info, query and fragment from a URL, which may hold secrets such as
     * {@code https://user:token@host/v1?key=...}. A text that is not a URI is replaced by a
     * placeholder rather than written as it is.
     */
    static String withoutCredentials(String url) {
        if (url == null) {
            return null;
        }
        try {
            URI uri = new URI(url);
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(),
                    null, null).toString();
        } catch (URISyntaxException e) {
            return "(invalid URL)";
        }
    }

    /**
     * Writes {@code run.json}, replacing an existing file atomically.
     *
     * @throws UncheckedIOException if the file cannot be written
     */
    public void write(Path file) {
        ObjectNode root = JsonSupport.MAPPER.createObjectNode();
        root.put("schema", SCHEMA);
        root.put("schema_version", SCHEMA_VERSION);
        root.put("label", label);
        root.put("started_at", startedAt.toString());
        root.put("tokenmark_version", tokenmarkVersion);

        ObjectNode target = root.putObject("target");
        target.put("url", targetUrl);
        target.put("model", model);
        target.put("api", api);
        target.put("simulator_profile", simulatorProfile);

        root.put("workload", workload);
        root.put("load", load);
        if (slo.isEmpty()) {
            root.putNull("slo");
        } else {
            ObjectNode node = root.putObject("slo");
            for (Metric metric : new Metric[] {Metric.TTFT, Metric.TPOT, Metric.ITL, Metric.E2EL}) {
                JsonSupport.putNumber(node, metric.key() + "_ms",
                        slo.limitMillis(metric).orElse(Double.NaN));
            }
        }

        ObjectNode hostNode = root.putObject("host");
        hostNode.put("jvm", host.jvm());
        hostNode.put("os", host.os());
        hostNode.put("cores", host.cores());
        hostNode.put("max_heap_bytes", host.maxHeapBytes());

        ObjectNode settingsNode = root.putObject("settings");
        new java.util.TreeMap<>(settings).forEach(settingsNode::put);

        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("failed to create the folder of " + file + ": "
                    + e.getMessage(), e);
        }
        JsonSupport.writeAtomically(file, root);
    }

    /**
     * Reads a {@code run.json}.
     *
     * @throws UncheckedIOException if the file cannot be read or is not JSON
     * @throws IllegalArgumentException naming the file when it is not a TokenMark run file
     */
    public static RunMetadata read(Path file) {
        JsonNode root;
        try {
            root = JsonSupport.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("failed to read " + file + ": " + e.getMessage(), e);
        }
        try {
            return fromJson(root);
        } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("invalid run file " + file + ": " + e.getMessage(),
                    e);
        }
    }

    private static RunMetadata fromJson(JsonNode root) {
        String schema = JsonSupport.readTextOrNull(root, "schema");
        if (!SCHEMA.equals(schema)) {
            throw new IllegalArgumentException(
                    "schema is '" + schema + "', expected '" + SCHEMA + "'");
        }
        JsonNode target = JsonSupport.require(root, "target", "run");
        JsonNode hostNode = JsonSupport.require(root, "host", "run");

        Slo slo = Slo.none();
        JsonNode sloNode = root.get("slo");
        if (sloNode != null && !sloNode.isNull()) {
            for (Metric metric : new Metric[] {Metric.TTFT, Metric.TPOT, Metric.ITL, Metric.E2EL}) {
                double limit = JsonSupport.readDouble(sloNode, metric.key() + "_ms");
                if (!Double.isNaN(limit)) {
                    slo = slo.with(metric, limit);
                }
            }
        }

        Map<String, String> settings = new LinkedHashMap<>();
        JsonNode settingsNode = root.get("settings");
        if (settingsNode != null) {
            for (Map.Entry<String, JsonNode> field : settingsNode.properties()) {
                settings.put(field.getKey(), field.getValue().asText());
            }
        }

        return new RunMetadata(
                JsonSupport.require(root, "label", "run").asText(),
                Instant.parse(JsonSupport.require(root, "started_at", "run").asText()),
                JsonSupport.readTextOrNull(root, "tokenmark_version"),
                JsonSupport.readTextOrNull(target, "url"),
                JsonSupport.readTextOrNull(target, "model"),
                JsonSupport.readTextOrNull(target, "api"),
                JsonSupport.readTextOrNull(target, "simulator_profile"),
                JsonSupport.readTextOrNull(root, "workload"),
                JsonSupport.readTextOrNull(root, "load"),
                slo,
                new Host(JsonSupport.readTextOrNull(hostNode, "jvm"),
                        JsonSupport.readTextOrNull(hostNode, "os"),
                        hostNode.path("cores").asInt(),
                        hostNode.path("max_heap_bytes").asLong()),
                settings);
    }
}
