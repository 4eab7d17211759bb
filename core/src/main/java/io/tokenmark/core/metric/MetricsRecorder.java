package io.tokenmark.core.metric;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Aggregates the {@link RequestRecord}s of one sweep point into the metrics of a
 * {@link Summary}: every distribution, counts by outcome and error, token totals, throughputs,
 * goodput, peaks and the client's schedule lag.
 *
 * <p>Rules:
 * <ul>
 *   <li>warm-up records are ignored;</li>
 *   <li>a failed request counts in the totals, in failures by error label, in the duration
 *       window and in the schedule lag, and nowhere else: never in a latency, a token total or
 *       a throughput;</li>
 *   <li>a successful request adds each metric it has: a request without token events has no
 *       TTFT or E2EL, one with N_out ≤ 1 has no TPOT;</li>
 *   <li>negative schedule lag (a send before its scheduled time, which only clock adjustments
 *       between threads can cause) is recorded as 0.</li>
 * </ul>
 * The SLOs judge each request as {@link Slo} describes.
 *
 * <p><b>Threading:</b> {@link #record} may be called from any thread, including I/O threads,
 * once per request when it ends. One lock guards the state; it is held for the request's
 * per-token ITL samples (one histogram update per token), about microseconds for a
 * thousand-token response. {@link #summarize} may run at any time, also while records arrive.
 *
 * <p><b>Memory:</b> constant per metric (the histograms grow with the value range, not the
 * sample count), plus 16 bytes per successful request and at most 8 MiB of token-arrival bins
 * for the peak figures.
 */
public final class MetricsRecorder {
    private final Slo slo;
    private final long runStartNanos;
    private final Object lock = new Object();

    private final Map<Metric, DistributionRecorder> recorders = new EnumMap<>(Metric.class);
    private final ActivityTimeline timeline;

    private long total;
    private long succeeded;
    private final Map<String, Long> failuresByError = new TreeMap<>();
    private long windowStart = Long.MAX_VALUE;
    private long windowEnd = Long.MIN_VALUE;
    private long sends;
    private long firstSend = Long.MAX_VALUE;
    private long lastSend = Long.MIN_VALUE;

    private long inputTokens;
    private long outputTokens;
    private long inputTokensUnknown;
    private final Map<TokenCountSource, Long> inputSources = new EnumMap<>(TokenCountSource.class);
    private final Map<TokenCountSource, Long> outputSources = new EnumMap<>(TokenCountSource.class);

    private long sloMet;
    private final Map<Metric, Long> sloMetByMetric = new EnumMap<>(Metric.class);

    /**
     * @param runStartNanos the run's start ({@code System.nanoTime()}), from which the summary's
     *     window is measured
     * @param slo the objectives for goodput, or {@link Slo#none()}
     */
    public MetricsRecorder(long runStartNanos, Slo slo) {
        this.runStartNanos = runStartNanos;
        this.slo = Objects.requireNonNull(slo, "slo");
        this.timeline = new ActivityTimeline(runStartNanos);
        for (Metric metric : Metric.values()) {
            recorders.put(metric, new DistributionRecorder());
        }
        for (Metric metric : slo.metrics()) {
            sloMetByMetric.put(metric, 0L);
        }
    }

    /** Creates a recorder without SLOs. */
    public MetricsRecorder(long runStartNanos) {
        this(runStartNanos, Slo.none());
    }

    /**
     * Adds one finished request. Warm-up records are ignored.
     *
     * @throws NullPointerException if {@code record} is null
     */
    public void record(RequestRecord record) {
        Objects.requireNonNull(record, "record");
        if (record.warmup()) {
            return;
        }
        RequestMetrics request = record.success() ? RequestMetrics.of(record, slo) : null;

        synchronized (lock) {
            recordAttempt(record);
            if (request == null) {
                failuresByError.merge(record.errorLabel(), 1L, Long::sum);
                return;
            }
            succeeded++;
            recordLatencies(record, request);
            recordTokens(record);
            recordSlo(request);
            recordActivity(record);
        }
    }

    /** Returns the measured requests recorded so far, failed ones included. */
    public long totalRequests() {
        synchronized (lock) {
            return total;
        }
    }

    /** Returns the measured requests that failed so far. */
    public long failedRequests() {
        synchronized (lock) {
            return total - succeeded;
        }
    }

    /** Returns Σ N_out of the successful requests so far. */
    public long outputTokens() {
        synchronized (lock) {
            return outputTokens;
        }
    }

    /** Returns the objectives this recorder judges goodput by. */
    public Slo slo() {
        return slo;
    }

    /**
     * Returns a snapshot of everything recorded so far; later records do not change it.
     *
     * @param context the load and what else the harness observed about the point
     */
    public Summary summarize(SummaryContext context) {
        Objects.requireNonNull(context, "context");
        Summary.Builder builder = Summary.builder()
                .load(context.load())
                .complete(context.complete());

        double requestedRate = context.load().finiteRatePerSecond();
        synchronized (lock) {
            fillCounts(builder);
            for (Map.Entry<Metric, DistributionRecorder> entry : recorders.entrySet()) {
                builder.distribution(entry.getKey(), entry.getValue().snapshot());
            }
            builder.peaks(timeline.peakTokensPerSecond(), timeline.peakConcurrency());

            double achievedRate = Double.NaN;
            if (sends >= 2 && lastSend > firstSend) {
                achievedRate = (sends - 1) / ((lastSend - firstSend) / 1e9);
            }
            builder.clientHealth(ClientHealth.assess(
                    recorders.get(Metric.SCHEDULE_LAG).snapshot(), requestedRate, achievedRate,
                    context.eventLoopBusyShare()));
        }

        Summary withoutCaveats = builder.build();
        return builder.caveats(Caveats.describe(withoutCaveats, context)).build();
    }

    // ---- record() steps, all called under the lock ----

    private void recordAttempt(RequestRecord record) {
        total++;
        long start = record.startNanos();
        if (start >= 0) {
            windowStart = Math.min(windowStart, start);
            sends++;
            firstSend = Math.min(firstSend, start);
            lastSend = Math.max(lastSend, start);
            if (record.scheduledNanos() >= 0) {
                recorders.get(Metric.SCHEDULE_LAG).record(Math.max(0, record.scheduleLagNanos()));
            }
        }
        windowEnd = Math.max(windowEnd, record.endNanos());
    }

    private void recordLatencies(RequestRecord record, RequestMetrics request) {
        recordIfKnown(Metric.TTFT, request.ttftNanos);
        recordIfKnown(Metric.TTFO, record.ttfoNanos());
        recordIfKnown(Metric.E2EL, request.e2elNanos);
        recordIfKnown(Metric.STREAM_TIME, record.streamTimeNanos());
        if (!Double.isNaN(request.tpotNanos)) {
            recorders.get(Metric.TPOT).record(request.tpotNanos);
        }

        DistributionRecorder icl = recorders.get(Metric.ICL);
        for (int i = 0; i < record.iclCount(); i++) {
            icl.record(record.iclNanos(i));
        }
        record.forEachItlNanos(recorders.get(Metric.ITL)::record);
    }

    private void recordIfKnown(Metric metric, double nanos) {
        if (nanos >= 0) {
            recorders.get(metric).record(nanos);
        }
    }

    private void recordTokens(RequestRecord record) {
        inputSources.merge(record.inputTokenSource(), 1L, Long::sum);
        if (record.inputTokens() >= 0) {
            inputTokens += record.inputTokens();
            recorders.get(Metric.INPUT_TOKENS).record(record.inputTokens());
        } else {
            inputTokensUnknown++;
        }

        TokenCountSource outputSource =
                record.outputTokens() >= 0 ? record.outputTokenSource() : TokenCountSource.UNKNOWN;
        outputSources.merge(outputSource, 1L, Long::sum);
        if (record.outputTokens() >= 0) {
            outputTokens += record.outputTokens();
            recorders.get(Metric.OUTPUT_TOKENS).record(record.outputTokens());
        }
    }

    private void recordSlo(RequestMetrics request) {
        if (request.metAll) {
            sloMet++;
        }
        for (Metric metric : slo.metrics()) {
            if (request.meets(metric, slo)) {
                sloMetByMetric.merge(metric, 1L, Long::sum);
            }
        }
    }

    private void recordActivity(RequestRecord record) {
        long start = record.startNanos();
        long end = record.endNanos();
        timeline.addRequest(start, end);
        for (int i = 0; i < record.tokenEvents(); i++) {
            long arrival = record.tokenEventNanos(i);
            // A token outside its own request's lifetime is a broken timestamp, not a peak.
            if (arrival >= start && arrival <= end && record.tokensInEvent(i) > 0) {
                timeline.addTokens(arrival, record.tokensInEvent(i));
            }
        }
    }

    private void fillCounts(Summary.Builder builder) {
        if (windowStart == Long.MAX_VALUE) {
            builder.window(Double.NaN, Double.NaN, Double.NaN);
        } else {
            builder.window((windowStart - runStartNanos) / 1e6, (windowEnd - runStartNanos) / 1e6,
                    (windowEnd - windowStart) / 1e9);
        }
        builder.requests(total, succeeded, new TreeMap<>(failuresByError))
                .tokens(inputTokens, outputTokens, inputTokensUnknown,
                        copyOf(inputSources), copyOf(outputSources))
                .slo(slo, sloMet, new EnumMap<>(sloMetByMetric));
    }

    private static Map<TokenCountSource, Long> copyOf(Map<TokenCountSource, Long> sources) {
        Map<TokenCountSource, Long> copy = new EnumMap<>(TokenCountSource.class);
        copy.putAll(sources);
        return copy;
    }

    /** The per-request values that SLOs judge, computed before taking the lock. */
    private static final class RequestMetrics {
        final long ttftNanos;
        final long e2elNanos;
        final double tpotNanos;
        final double maxItlNanos;
        final boolean metAll;

        private RequestMetrics(RequestRecord record, Slo slo) {
            this.ttftNanos = record.ttftNanos();
            this.e2elNanos = record.e2elNanos();
            this.tpotNanos = record.tpotNanos();
            this.maxItlNanos = maxItl(record);
            boolean all = true;
            for (Metric metric : slo.metrics()) {
                all &= meets(metric, slo);
            }
            this.metAll = all;
        }

        static RequestMetrics of(RequestRecord record, Slo slo) {
            return new RequestMetrics(record, slo);
        }

        boolean meets(Metric metric, Slo slo) {
            switch (metric) {
                case TTFT:
                    return ttftNanos >= 0 && slo.meets(metric, ttftNanos);
                case E2EL:
                    return e2elNanos >= 0 && slo.meets(metric, e2elNanos);
                case TPOT:
                    // vLLM counts the TPOT of a request with N_out <= 1 as 0.
                    return slo.meets(metric, Double.isNaN(tpotNanos) ? 0 : tpotNanos);
                case ITL:
                    return slo.meets(metric, maxItlNanos);
                default:
                    return true;
            }
        }

        private static double maxItl(RequestRecord record) {
            double[] max = {0};
            record.forEachItlNanos(sample -> max[0] = Math.max(max[0], sample));
            return max[0];
        }
    }
}
