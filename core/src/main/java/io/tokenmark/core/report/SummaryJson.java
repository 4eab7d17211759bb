package io.tokenmark.core.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenmark.core.metric.ClientHealth;
import io.tokenmark.core.metric.Distribution;
import io.tokenmark.core.metric.DistributionStats;
import io.tokenmark.core.metric.LoadDescription;
import io.tokenmark.core.metric.Metric;
import io.tokenmark.core.metric.Slo;
import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.metric.TokenCountSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Converts a {@link Summary} to the JSON object of a {@code summary-<point>.json} file and back,
 * in the format {@code docs/output-format.md} describes: the canonical figures, the
 * {@code vllm} and {@code evalscope} views, and the raw histograms from which {@link #read}
 * rebuilds every distribution exactly.
 *
 * <p>Thread-safe: stateless.
 */
public final class SummaryJson {
    /** The {@code schema} value of a point summary. */
    public static final String SCHEMA = "tokenmark-summary";
    /** The format version this class writes and reads. */
    public static final int SCHEMA_VERSION = 1;

    /** Distributions under {@code metrics}; schedule lag is under {@code client_health}. */
    private static final Metric[] REQUEST_METRICS = {
        Metric.TTFT, Metric.TTFO, Metric.E2EL, Metric.STREAM_TIME, Metric.TPOT, Metric.ICL,
        Metric.ITL, Metric.INPUT_TOKENS, Metric.OUTPUT_TOKENS
    };

    private SummaryJson() {
    }

    /** Returns the JSON object of {@code summary}. */
    public static ObjectNode write(Summary summary) {
        ObjectNode root = JsonSupport.MAPPER.createObjectNode();
        root.put("schema", SCHEMA);
        root.put("schema_version", SCHEMA_VERSION);
        root.set("point", writeLoad(summary.load()));
        root.put("complete", summary.complete());

        ObjectNode window = root.putObject("window");
        JsonSupport.putNumber(window, "start_ms", summary.windowStartMillis());
        JsonSupport.putNumber(window, "end_ms", summary.windowEndMillis());
        JsonSupport.putNumber(root, "duration_s", summary.durationSeconds());

        writeCounts(root, summary);
        writeThroughput(root.putObject("throughput"), summary);
        writeSlo(root, summary);

        ObjectNode metrics = root.putObject("metrics");
        for (Metric metric : REQUEST_METRICS) {
            metrics.set(metric.displayKey(), writeStats(summary.stats(metric)));
        }
        root.set("client_health", writeClientHealth(summary));

        ArrayNode caveats = root.putArray("caveats");
        summary.caveats().forEach(caveats::add);

        ObjectNode views = root.putObject("views");
        views.set("vllm", JsonSupport.toNode(VllmView.of(summary)));
        views.set("evalscope", JsonSupport.toNode(EvalscopeView.of(summary)));

        ObjectNode histograms = root.putObject("histograms");
        for (Metric metric : Metric.values()) {
            histograms.set(metric.key(), writeDistribution(metric, summary.distribution(metric)));
        }
        return root;
    }

    private static ObjectNode writeLoad(LoadDescription load) {
        ObjectNode point = JsonSupport.MAPPER.createObjectNode();
        point.put("label", load.label());
        point.put("mode", load.mode().label());
        JsonSupport.putInteger(point, "concurrency",
                load.concurrency() == null ? null : load.concurrency().longValue());
        if (load.ratePerSecond() != null && load.ratePerSecond().isInfinite()) {
            point.put("rate_per_s", "inf");
        } else {
            JsonSupport.putNumber(point, "rate_per_s", load.ratePerSecond());
        }
        JsonSupport.putNumber(point, "burstiness", load.burstiness());
        JsonSupport.putInteger(point, "max_concurrency",
                load.maxConcurrency() == null ? null : load.maxConcurrency().longValue());
        JsonSupport.putInteger(point, "planned_requests", load.plannedRequests());
        JsonSupport.putNumber(point, "planned_duration_s", load.plannedDurationSeconds());
        return point;
    }

    private static void writeCounts(ObjectNode root, Summary summary) {
        ObjectNode requests = root.putObject("requests");
        requests.put("total", summary.totalRequests());
        requests.put("succeeded", summary.succeededRequests());
        requests.put("failed", summary.failedRequests());
        ObjectNode failures = requests.putObject("failed_by_error");
        summary.failuresByError().forEach(failures::put);

        ObjectNode tokens = root.putObject("tokens");
        tokens.put("input_total", summary.inputTokens());
        tokens.put("output_total", summary.outputTokens());
        tokens.put("input_unknown", summary.inputTokensUnknown());
        writeSources(tokens.putObject("input_sources"), summary.inputTokenSources());
        writeSources(tokens.putObject("output_sources"), summary.outputTokenSources());
    }

    private static void writeSources(ObjectNode node, Map<TokenCountSource, Long> sources) {
        sources.forEach((source, count) -> node.put(source.label(), count));
    }

    private static void writeThroughput(ObjectNode throughput, Summary summary) {
        JsonSupport.putNumber(throughput, "requests_per_s", summary.requestThroughput());
        JsonSupport.putNumber(throughput, "output_tokens_per_s", summary.outputTokenThroughput());
        JsonSupport.putNumber(throughput, "total_tokens_per_s", summary.totalTokenThroughput());
        JsonSupport.putNumber(throughput, "goodput_requests_per_s", summary.goodput());
        JsonSupport.putNumber(throughput, "peak_output_tokens_per_s",
                summary.peakOutputTokensPerSecond());
        throughput.put("peak_concurrent_requests", summary.peakConcurrentRequests());
    }

    private static void writeSlo(ObjectNode root, Summary summary) {
        Slo slo = summary.slo();
        if (slo.isEmpty()) {
            root.putNull("slo");
            return;
        }
        ObjectNode node = root.putObject("slo");
        for (Metric metric : new Metric[] {Metric.TTFT, Metric.TPOT, Metric.ITL, Metric.E2EL}) {
            JsonSupport.putNumber(node, metric.key() + "_ms",
                    slo.limitMillis(metric).isPresent() ? slo.limitMillis(metric).getAsDouble()
                            : Double.NaN);
        }
        node.put("met", summary.sloMet());
        JsonSupport.putNumber(node, "attainment", summary.sloAttainment());
        ObjectNode byMetric = node.putObject("attainment_by_metric");
        for (Metric metric : slo.metrics()) {
            JsonSupport.putNumber(byMetric, metric.key(), summary.sloAttainment(metric));
        }
        ObjectNode metByMetric = node.putObject("met_by_metric");
        summary.sloMetByMetric().forEach((metric, met) -> metByMetric.put(metric.key(), met));
    }

    private static ObjectNode writeStats(DistributionStats stats) {
        ObjectNode node = JsonSupport.MAPPER.createObjectNode();
        node.put("count", stats.count());
        JsonSupport.putNumber(node, "mean", stats.mean());
        JsonSupport.putNumber(node, "std", stats.stdDev());
        JsonSupport.putNumber(node, "min", stats.min());
        JsonSupport.putNumber(node, "p50", stats.p50());
        JsonSupport.putNumber(node, "p90", stats.p90());
        JsonSupport.putNumber(node, "p95", stats.p95());
        JsonSupport.putNumber(node, "p99", stats.p99());
        JsonSupport.putNumber(node, "p99_9", stats.p999());
        JsonSupport.putNumber(node, "max", stats.max());
        return node;
    }

    private static ObjectNode writeClientHealth(Summary summary) {
        ClientHealth health = summary.clientHealth();
        ObjectNode node = JsonSupport.MAPPER.createObjectNode();
        node.set(Metric.SCHEDULE_LAG.displayKey(), writeStats(summary.stats(Metric.SCHEDULE_LAG)));
        JsonSupport.putNumber(node, "requested_rate_per_s", health.requestedRatePerSecond());
        JsonSupport.putNumber(node, "achieved_rate_per_s", health.achievedRatePerSecond());
        JsonSupport.putNumber(node, "event_loop_busy_share", health.eventLoopBusyShare());
        node.put("client_bound", health.clientBound());
        ArrayNode reasons = node.putArray("client_bound_reasons");
        health.clientBoundReasons().forEach(reasons::add);
        ObjectNode thresholds = node.putObject("thresholds");
        thresholds.put("schedule_lag_p99_ms", ClientHealth.SCHEDULE_LAG_P99_LIMIT_MILLIS);
        thresholds.put("event_loop_busy_share", ClientHealth.EVENT_LOOP_BUSY_SHARE_LIMIT);
        return node;
    }

    private static ObjectNode writeDistribution(Metric metric, Distribution distribution) {
        ObjectNode node = JsonSupport.MAPPER.createObjectNode();
        node.put("unit", metric.unit());
        node.put("count", distribution.count());
        node.put("sum", distribution.sum());
        node.put("m2", distribution.m2());
        JsonSupport.putNumber(node, "min", distribution.min());
        JsonSupport.putNumber(node, "max", distribution.max());
        node.put("hdr", distribution.encodeHistogram());
        return node;
    }

    // ---- reading ----

    /**
     * Rebuilds a summary from the JSON object that {@link #write} produced. The views and the
     * {@code metrics} figures are derived data and are not read: every figure is computed again
     * from the histograms and counts.
     *
     * @throws IllegalArgumentException naming the first missing or invalid member, or when the
     *     schema or its version is not one this class reads
     */
    public static Summary read(JsonNode root) {
        String schema = JsonSupport.readTextOrNull(root, "schema");
        if (!SCHEMA.equals(schema)) {
            throw new IllegalArgumentException("not a TokenMark point summary: schema is '"
                    + schema + "', expected '" + SCHEMA + "'");
        }
        int version = JsonSupport.require(root, "schema_version", "summary").asInt();
        if (version != SCHEMA_VERSION) {
            throw new IllegalArgumentException("unsupported summary schema_version " + version
                    + ": this TokenMark reads version " + SCHEMA_VERSION);
        }

        JsonNode window = JsonSupport.require(root, "window", "summary");
        Summary.Builder builder = Summary.builder()
                .load(readLoad(JsonSupport.require(root, "point", "summary")))
                .complete(JsonSupport.require(root, "complete", "summary").asBoolean())
                .window(JsonSupport.readDouble(window, "start_ms"),
                        JsonSupport.readDouble(window, "end_ms"),
                        JsonSupport.readDouble(root, "duration_s"));
        readCounts(root, builder);

        JsonNode throughput = JsonSupport.require(root, "throughput", "summary");
        builder.peaks(JsonSupport.readDouble(throughput, "peak_output_tokens_per_s"),
                JsonSupport.require(throughput, "peak_concurrent_requests", "throughput").asLong());
        readSlo(root.get("slo"), builder);

        JsonNode histograms = JsonSupport.require(root, "histograms", "summary");
        for (Metric metric : Metric.values()) {
            JsonNode node = JsonSupport.require(histograms, metric.key(), "histograms");
            builder.distribution(metric, readDistribution(metric, node));
        }

        builder.clientHealth(readClientHealth(
                JsonSupport.require(root, "client_health", "summary")));
        List<String> caveats = new ArrayList<>();
        JsonSupport.require(root, "caveats", "summary").forEach(c -> caveats.add(c.asText()));
        return builder.caveats(caveats).build();
    }

    private static LoadDescription readLoad(JsonNode point) {
        JsonNode rate = point.get("rate_per_s");
        Double ratePerSecond = rate == null || rate.isNull() ? null
                : rate.isTextual() && rate.asText().equals("inf") ? Double.POSITIVE_INFINITY
                : rate.asDouble();
        Long concurrency = JsonSupport.readLongOrNull(point, "concurrency");
        Long maxConcurrency = JsonSupport.readLongOrNull(point, "max_concurrency");
        return new LoadDescription(
                JsonSupport.require(point, "label", "point").asText(),
                LoadDescription.Mode.fromLabel(JsonSupport.require(point, "mode", "point").asText()),
                concurrency == null ? null : Math.toIntExact(concurrency),
                ratePerSecond,
                JsonSupport.readDoubleOrNull(point, "burstiness"),
                maxConcurrency == null ? null : Math.toIntExact(maxConcurrency),
                JsonSupport.readLongOrNull(point, "planned_requests"),
                JsonSupport.readDoubleOrNull(point, "planned_duration_s"));
    }

    private static void readCounts(JsonNode root, Summary.Builder builder) {
        JsonNode requests = JsonSupport.require(root, "requests", "summary");
        Map<String, Long> failures = new TreeMap<>();
        JsonNode failed = JsonSupport.require(requests, "failed_by_error", "requests");
        for (Map.Entry<String, JsonNode> field : failed.properties()) {
            failures.put(field.getKey(), field.getValue().asLong());
        }
        builder.requests(JsonSupport.require(requests, "total", "requests").asLong(),
                JsonSupport.require(requests, "succeeded", "requests").asLong(), failures);

        JsonNode tokens = JsonSupport.require(root, "tokens", "summary");
        builder.tokens(JsonSupport.require(tokens, "input_total", "tokens").asLong(),
                JsonSupport.require(tokens, "output_total", "tokens").asLong(),
                JsonSupport.require(tokens, "input_unknown", "tokens").asLong(),
                readSources(JsonSupport.require(tokens, "input_sources", "tokens")),
                readSources(JsonSupport.require(tokens, "output_sources", "tokens")));
    }

    private static Map<TokenCountSource, Long> readSources(JsonNode node) {
        Map<TokenCountSource, Long> sources = new EnumMap<>(TokenCountSource.class);
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            TokenCountSource source =
                    TokenCountSource.valueOf(field.getKey().toUpperCase(Locale.ROOT));
            sources.put(source, field.getValue().asLong());
        }
        return sources;
    }

    private static void readSlo(JsonNode node, Summary.Builder builder) {
        if (node == null || node.isNull()) {
            builder.slo(Slo.none(), 0, Map.of());
            return;
        }
        Slo slo = Slo.none();
        for (Metric metric : new Metric[] {Metric.TTFT, Metric.TPOT, Metric.ITL, Metric.E2EL}) {
            double limit = JsonSupport.readDouble(node, metric.key() + "_ms");
            if (!Double.isNaN(limit)) {
                slo = slo.with(metric, limit);
            }
        }
        Map<Metric, Long> metByMetric = new EnumMap<>(Metric.class);
        JsonNode met = JsonSupport.require(node, "met_by_metric", "slo");
        for (Map.Entry<String, JsonNode> field : met.properties()) {
            metByMetric.put(Metric.fromKey(field.getKey()), field.getValue().asLong());
        }
        builder.slo(slo, JsonSupport.require(node, "met", "slo").asLong(), metByMetric);
    }

    private static Distribution readDistribution(Metric metric, JsonNode node) {
        String where = "histograms." + metric.key();
        String unit = JsonSupport.require(node, "unit", where).asText();
        if (!unit.equals(metric.unit())) {
            throw new IllegalArgumentException(
                    where + " has unit '" + unit + "', expected '" + metric.unit() + "'");
        }
        return Distribution.restore(
                JsonSupport.require(node, "count", where).asLong(),
                JsonSupport.require(node, "sum", where).asDouble(),
                JsonSupport.require(node, "m2", where).asDouble(),
                JsonSupport.readDouble(node, "min"),
                JsonSupport.readDouble(node, "max"),
                JsonSupport.require(node, "hdr", where).asText());
    }

    private static ClientHealth readClientHealth(JsonNode node) {
        List<String> reasons = new ArrayList<>();
        JsonSupport.require(node, "client_bound_reasons", "client_health")
                .forEach(reason -> reasons.add(reason.asText()));
        return new ClientHealth(
                JsonSupport.readDouble(node, "requested_rate_per_s"),
                JsonSupport.readDouble(node, "achieved_rate_per_s"),
                JsonSupport.readDouble(node, "event_loop_busy_share"),
                JsonSupport.require(node, "client_bound", "client_health").asBoolean(),
                reasons);
    }
}
