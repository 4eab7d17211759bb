package io.tokenmark.jmh.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenmark.core.metric.DistributionStats;
import io.tokenmark.core.metric.LoadDescription;
import io.tokenmark.core.metric.Metric;
import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.report.RequestLogEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes the HTML report of one or more runs as one self-contained file: no external script,
 * style sheet, font or image, so it opens offline and can be mailed or archived as it is.
 *
 * <p>Contents: the caveats; the comparison tables of {@link RunComparison} (two runs or more);
 * charts of output and request throughput and of TTFT, TPOT, ITL and E2EL percentiles against
 * concurrency or rate, one line per run; a per-request timeline of each run from its
 * {@code requests.jsonl}; a summary table and the failed requests by error kind per run; and each
 * run's metadata (target, model, workload, load, TokenMark version, JVM, cores).
 *
 * <p>Tables are plain HTML, readable without scripts. Charts are SVG drawn by the inline
 * script from the JSON embedded in the page. When every chart is drawn the script sets
 * {@code data-report-status="ready"} and {@code data-charts-drawn} on {@code <body>}; a script
 * error sets the status to {@code error} and lists the message in {@code #script-errors}.
 *
 * <p>A timeline shows at most {@value #MAX_TIMELINE_REQUESTS} requests per run, evenly sampled,
 * so the file stays small; the page notes when it samples.
 *
 * <p>Thread-safe: stateless.
 */
public final class HtmlReport {
    /** Maximum requests of one run drawn in its timeline. */
    public static final int MAX_TIMELINE_REQUESTS = 2_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RESOURCE_DIR = "/io/tokenmark/jmh/report/";
    private static final String[] COLORS = {
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"
    };

    private HtmlReport() {
    }

    /**
     * Writes the report of {@code runs} to {@code file}, through a temporary file in the same
     * folder that is then renamed, so a reader never sees half a report.
     *
     * @throws UncheckedIOException if the file cannot be written
     * @throws IllegalArgumentException if a run's {@code requests.jsonl} is invalid
     */
    public static void write(List<RunData> runs, Path file, Instant generatedAt) {
        String html = render(runs, generatedAt);
        Path absolute = file.toAbsolutePath();
        Path temporary = absolute.resolveSibling(absolute.getFileName() + ".tmp");
        try {
            Files.createDirectories(absolute.getParent());
            Files.writeString(temporary, html, StandardCharsets.UTF_8);
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("failed to write the report " + file + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Returns the report as HTML text.
     *
     * @throws IllegalArgumentException if no run is given or a run's request log is invalid
     */
    public static String render(List<RunData> runs, Instant generatedAt) {
        Objects.requireNonNull(generatedAt, "generatedAt");
        RunComparison comparison = RunComparison.of(runs);
        List<String> labels = comparison.labels();

        String title = "TokenMark report: " + String.join(" vs ", labels);
        StringBuilder body = new StringBuilder();
        body.append("<header><h1>").append(Html.escape(title)).append("</h1><p class=\"meta\">")
                .append("Generated ").append(generatedAt.truncatedTo(ChronoUnit.SECONDS))
                .append(" by TokenMark ").append(Html.escape(version(runs)))
                .append(". Times are milliseconds unless marked otherwise.</p></header>\n");
        body.append("<pre id=\"script-errors\" hidden></pre>\n");
        HtmlSections.caveats(body, runs);
        if (runs.size() > 1) {
            HtmlSections.comparison(body, comparison);
        }
        HtmlSections.charts(body, comparison);
        HtmlSections.timelines(body, runs, labels);
        HtmlSections.summaries(body, runs, labels);
        HtmlSections.errors(body, runs, labels);
        HtmlSections.metadata(body, runs, labels);

        return Html.fill(resource("report.html"), Map.of(
                "TITLE", Html.escape(title),
                "STYLE", resource("report.css"),
                "BODY", body.toString(),
                "DATA", Html.scriptJson(data(runs, comparison)),
                "SCRIPT", resource("report.js")));
    }

    /** Returns the TokenMark version of the first run that records one. */
    private static String version(List<RunData> runs) {
        for (RunData run : runs) {
            if (run.metadata().tokenmarkVersion() != null) {
                return run.metadata().tokenmarkVersion();
            }
        }
        return "(unknown version)";
    }

    /** Builds the JSON the charts are drawn from. */
    static String data(List<RunData> runs, RunComparison comparison) {
        ObjectNode root = JSON.createObjectNode();
        List<RunComparison.Point> points = comparison.points();
        root.put("x_title", xTitle(points));
        ArrayNode xLabels = root.putArray("x_labels");
        for (RunComparison.Point point : points) {
            xLabels.add(xLabel(point.load()));
        }

        ArrayNode runNodes = root.putArray("runs");
        for (int r = 0; r < runs.size(); r++) {
            RunData run = runs.get(r);
            ObjectNode runNode = runNodes.addObject();
            runNode.put("label", comparison.labels().get(r));
            runNode.put("color", COLORS[r % COLORS.length]);
            ArrayNode values = runNode.putArray("points");
            for (RunComparison.Point point : points) {
                Summary summary = point.summaries().get(r);
                values.add(summary == null ? JSON.nullNode() : pointNode(summary));
            }
            runNode.set("timeline", timeline(run));
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("failed to write the report data as JSON", e);
        }
    }

    private static ObjectNode pointNode(Summary summary) {
        ObjectNode node = JSON.createObjectNode();
        node.put("label", summary.load().label());
        putNumber(node, "output_tokens_per_s", summary.outputTokenThroughput());
        putNumber(node, "total_tokens_per_s", summary.totalTokenThroughput());
        putNumber(node, "requests_per_s", summary.requestThroughput());
        for (Metric metric : new Metric[] {Metric.TTFT, Metric.TPOT, Metric.ITL, Metric.E2EL}) {
            DistributionStats stats = summary.stats(metric);
            ObjectNode statsNode = node.putObject(metric.key());
            putNumber(statsNode, "mean", stats.mean());
            putNumber(statsNode, "p50", stats.p50());
            putNumber(statsNode, "p90", stats.p90());
            putNumber(statsNode, "p99", stats.p99());
        }
        return node;
    }

    /**
     * Returns the timeline of a run: its requests ordered by start, each as
     * {@code [start_ms, first_token_ms, end_ms, success, point]} with the point as its label,
     * sampled evenly down to {@link #MAX_TIMELINE_REQUESTS}.
     */
    private static ObjectNode timeline(RunData run) {
        List<RequestLogEntry> entries = new ArrayList<>(run.requests());
        entries.sort(Comparator.comparingDouble(HtmlReport::startMillis));
        ObjectNode node = JSON.createObjectNode();
        node.put("total", entries.size());
        int shown = Math.min(entries.size(), MAX_TIMELINE_REQUESTS);
        node.put("shown", shown);
        ArrayNode requests = node.putArray("requests");
        for (int i = 0; i < shown; i++) {
            RequestLogEntry entry = entries.get((int) ((long) i * entries.size() / shown));
            ArrayNode item = requests.addArray();
            double start = startMillis(entry);
            putNumber(item, start);
            putNumber(item, entry.ttftMillis() == null ? Double.NaN : start + entry.ttftMillis());
            putNumber(item, entry.endMillis());
            item.add(entry.success() ? 1 : 0);
            item.add(entry.point());
        }
        return node;
    }

    private static double startMillis(RequestLogEntry entry) {
        if (entry.sendMillis() != null) {
            return entry.sendMillis();
        }
        return entry.dispatchMillis() != null ? entry.dispatchMillis() : entry.endMillis();
    }

    private static String xTitle(List<RunComparison.Point> points) {
        boolean closed = points.stream()
                .allMatch(p -> p.load().mode() == LoadDescription.Mode.CLOSED_LOOP);
        boolean open = points.stream()
                .allMatch(p -> p.load().mode() == LoadDescription.Mode.OPEN_LOOP);
        if (closed) {
            return "Concurrency (users)";
        }
        return open ? "Request rate (req/s)" : "Load point";
    }

    private static String xLabel(LoadDescription load) {
        if (load.mode() == LoadDescription.Mode.CLOSED_LOOP) {
            return Integer.toString(load.concurrency());
        }
        String rate = Double.isInfinite(load.ratePerSecond()) ? "inf"
                : ComparisonTable.number(load.ratePerSecond());
        return load.maxConcurrency() == null ? rate : rate + " (max " + load.maxConcurrency() + ")";
    }

    private static void putNumber(ObjectNode node, String key, double value) {
        if (Double.isFinite(value)) {
            node.put(key, value);
        } else {
            node.putNull(key);
        }
    }

    private static void putNumber(ArrayNode node, double value) {
        if (Double.isFinite(value)) {
            node.add(value);
        } else {
            node.addNull();
        }
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE_DIR + name + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("failed to read " + RESOURCE_DIR + name, e);
        }
    }
}
