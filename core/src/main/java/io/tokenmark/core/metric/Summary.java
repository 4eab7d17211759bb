package io.tokenmark.core.metric;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The results of one sweep point: counts, duration, throughputs, goodput, every distribution and
 * the client's health, as {@link MetricsRecorder#summarize} computed them or a summary file
 * stored them. Immutable and thread-safe.
 *
 * <p>Definitions (all over measured requests; warm-up is never included):
 * <ul>
 *   <li>duration D: from the first measured send (dispatch, when never sent) to the last
 *       measured end, failed requests included;</li>
 *   <li>request throughput: successful requests / D;</li>
 *   <li>output token throughput: Σ N_out of successful requests / D;</li>
 *   <li>total token throughput: Σ (N_in + N_out) of successful requests / D;</li>
 *   <li>goodput: successful requests that met every SLO / D (see {@link Slo});</li>
 *   <li>SLO attainment: requests that met every SLO / all measured requests, so failures count
 *       as misses.</li>
 * </ul>
 * Rates are {@code NaN} when D is 0 or unknown. Distributions cover successful requests only,
 * except {@link Metric#SCHEDULE_LAG}, which covers every measured request.
 */
public final class Summary {
    private final LoadDescription load;
    private final boolean complete;
    private final double windowStartMillis;
    private final double windowEndMillis;
    private final double durationSeconds;
    private final long totalRequests;
    private final long succeededRequests;
    private final SortedMap<String, Long> failuresByError;
    private final long inputTokens;
    private final long outputTokens;
    private final long inputTokensUnknown;
    private final Map<TokenCountSource, Long> inputTokenSources;
    private final Map<TokenCountSource, Long> outputTokenSources;
    private final double peakOutputTokensPerSecond;
    private final long peakConcurrentRequests;
    private final Slo slo;
    private final long sloMet;
    private final Map<Metric, Long> sloMetByMetric;
    private final Map<Metric, Distribution> distributions;
    private final ClientHealth clientHealth;
    private final List<String> caveats;

    private Summary(Builder b) {
        this.load = Objects.requireNonNull(b.load, "load");
        this.complete = b.complete;
        this.windowStartMillis = b.windowStartMillis;
        this.windowEndMillis = b.windowEndMillis;
        this.durationSeconds = b.durationSeconds;
        this.totalRequests = b.totalRequests;
        this.succeededRequests = b.succeededRequests;
        this.failuresByError = Collections.unmodifiableSortedMap(new TreeMap<>(b.failuresByError));
        this.inputTokens = b.inputTokens;
        this.outputTokens = b.outputTokens;
        this.inputTokensUnknown = b.inputTokensUnknown;
        this.inputTokenSources = Collections.unmodifiableMap(copy(b.inputTokenSources));
        this.outputTokenSources = Collections.unmodifiableMap(copy(b.outputTokenSources));
        this.peakOutputTokensPerSecond = b.peakOutputTokensPerSecond;
        this.peakConcurrentRequests = b.peakConcurrentRequests;
        this.slo = Objects.requireNonNull(b.slo, "slo");
        this.sloMet = b.sloMet;
        EnumMap<Metric, Long> met = new EnumMap<>(Metric.class);
        met.putAll(b.sloMetByMetric);
        this.sloMetByMetric = Collections.unmodifiableMap(met);
        EnumMap<Metric, Distribution> all = new EnumMap<>(Metric.class);
        for (Metric metric : Metric.values()) {
            all.put(metric, b.distributions.getOrDefault(metric, Distribution.empty()));
        }
        this.distributions = Collections.unmodifiableMap(all);
        this.clientHealth = Objects.requireNonNull(b.clientHealth, "clientHealth");
        this.caveats = List.copyOf(b.caveats);
    }

    private static Map<TokenCountSource, Long> copy(Map<TokenCountSource, Long> sources) {
        EnumMap<TokenCountSource, Long> copy = new EnumMap<>(TokenCountSource.class);
        copy.putAll(sources);
        return copy;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder holding this summary's values, to derive an amended copy. */
    public Builder toBuilder() {
        Builder b = new Builder()
                .load(load)
                .complete(complete)
                .window(windowStartMillis, windowEndMillis, durationSeconds)
                .requests(totalRequests, succeededRequests, failuresByError)
                .tokens(inputTokens, outputTokens, inputTokensUnknown,
                        inputTokenSources, outputTokenSources)
                .peaks(peakOutputTokensPerSecond, peakConcurrentRequests)
                .slo(slo, sloMet, sloMetByMetric)
                .clientHealth(clientHealth)
                .caveats(caveats);
        distributions.forEach(b::distribution);
        return b;
    }

    // ---- the point ----

    public LoadDescription load() {
        return load;
    }

    /** Returns {@code false} when the point was stopped before it finished. */
    public boolean complete() {
        return complete;
    }

    /** Returns the first measured send in milliseconds after the run start, or {@code NaN}. */
    public double windowStartMillis() {
        return windowStartMillis;
    }

    /** Returns the last measured end in milliseconds after the run start, or {@code NaN}. */
    public double windowEndMillis() {
        return windowEndMillis;
    }

    /** Returns D in seconds, or {@code NaN} when no request was measured. */
    public double durationSeconds() {
        return durationSeconds;
    }

    // ---- counts ----

    /** Returns the measured requests that ended, failed ones included. */
    public long totalRequests() {
        return totalRequests;
    }

    public long succeededRequests() {
        return succeededRequests;
    }

    public long failedRequests() {
        return totalRequests - succeededRequests;
    }

    /** Returns failed requests per error label such as {@code http_503}, sorted by label. */
    public SortedMap<String, Long> failuresByError() {
        return failuresByError;
    }

    /** Returns Σ N_in over successful requests; unknown counts add 0. */
    public long inputTokens() {
        return inputTokens;
    }

    /** Returns Σ N_out over successful requests. */
    public long outputTokens() {
        return outputTokens;
    }

    /** Returns the successful requests whose N_in is unknown. */
    public long inputTokensUnknown() {
        return inputTokensUnknown;
    }

    /** Returns successful requests per source of their N_in. */
    public Map<TokenCountSource, Long> inputTokenSources() {
        return inputTokenSources;
    }

    /** Returns successful requests per source of their N_out. */
    public Map<TokenCountSource, Long> outputTokenSources() {
        return outputTokenSources;
    }

    // ---- throughput ----

    public double requestThroughput() {
        return perSecond(succeededRequests);
    }

    public double outputTokenThroughput() {
        return perSecond(outputTokens);
    }

    public double totalTokenThroughput() {
        return perSecond(inputTokens + outputTokens);
    }

    /**
     * Returns the most output tokens that arrived within one second, counting seconds from the
     * first successful send as {@code vllm bench serve} does, or {@code NaN} without tokens.
     */
    public double peakOutputTokensPerSecond() {
        return peakOutputTokensPerSecond;
    }

    /** Returns the most successful requests in flight at one instant. */
    public long peakConcurrentRequests() {
        return peakConcurrentRequests;
    }

    private double perSecond(double amount) {
        return durationSeconds > 0 ? amount / durationSeconds : Double.NaN;
    }

    // ---- goodput ----

    public Slo slo() {
        return slo;
    }

    /** Returns the successful requests that met every SLO (all of them without SLOs). */
    public long sloMet() {
        return sloMet;
    }

    /** Returns, per metric with an SLO, the successful requests that met it. */
    public Map<Metric, Long> sloMetByMetric() {
        return sloMetByMetric;
    }

    /** Returns goodput in requests per second, or {@code NaN} without SLOs. */
    public double goodput() {
        return slo.isEmpty() ? Double.NaN : perSecond(sloMet);
    }

    /** Returns the share of measured requests that met every SLO, or {@code NaN} without SLOs. */
    public double sloAttainment() {
        if (slo.isEmpty() || totalRequests == 0) {
            return Double.NaN;
        }
        return (double) sloMet / totalRequests;
    }

    /**
     * Returns the share of measured requests that met {@code metric}'s SLO, or {@code NaN} when
     * it has none.
     */
    public double sloAttainment(Metric metric) {
        Long met = sloMetByMetric.get(metric);
        if (met == null || totalRequests == 0) {
            return Double.NaN;
        }
        return (double) met / totalRequests;
    }

    // ---- distributions and health ----

    /** Returns the distribution of {@code metric} in its base unit (never {@code null}). */
    public Distribution distribution(Metric metric) {
        return distributions.get(metric);
    }

    /** Returns the reported figures of {@code metric} in its display unit (ms or tokens). */
    public DistributionStats stats(Metric metric) {
        return distributions.get(metric).stats(metric.displayDivisor());
    }

    public ClientHealth clientHealth() {
        return clientHealth;
    }

    /** Returns the sentences every report prints with these figures. */
    public List<String> caveats() {
        return caveats;
    }

    @Override
    public String toString() {
        return "Summary[" + load.label() + ", requests=" + totalRequests
                + ", failed=" + failedRequests() + ", durationSeconds=" + durationSeconds
                + ", requestThroughput=" + requestThroughput() + "]";
    }

    /** Mutable builder; not thread-safe. Distributions not given are empty. */
    public static final class Builder {
        private LoadDescription load;
        private boolean complete = true;
        private double windowStartMillis = Double.NaN;
        private double windowEndMillis = Double.NaN;
        private double durationSeconds = Double.NaN;
        private long totalRequests;
        private long succeededRequests;
        private Map<String, Long> failuresByError = Map.of();
        private long inputTokens;
        private long outputTokens;
        private long inputTokensUnknown;
        private Map<TokenCountSource, Long> inputTokenSources = Map.of();
        private Map<TokenCountSource, Long> outputTokenSources = Map.of();
        private double peakOutputTokensPerSecond = Double.NaN;
        private long peakConcurrentRequests;
        private Slo slo = Slo.none();
        private long sloMet;
        private Map<Metric, Long> sloMetByMetric = Map.of();
        private final Map<Metric, Distribution> distributions = new EnumMap<>(Metric.class);
        private ClientHealth clientHealth =
                new ClientHealth(Double.NaN, Double.NaN, Double.NaN, false, List.of());
        private List<String> caveats = List.of();

        private Builder() {
        }

        public Builder load(LoadDescription value) {
            load = value;
            return this;
        }

        public Builder complete(boolean value) {
            complete = value;
            return this;
        }

        /**
         * Sets the measurement window in milliseconds after the run start and D in seconds
         * ({@code NaN} for all three when no request was measured).
         */
        public Builder window(double startMillis, double endMillis, double seconds) {
            windowStartMillis = startMillis;
            windowEndMillis = endMillis;
            durationSeconds = seconds;
            return this;
        }

        public Builder requests(long total, long succeeded, Map<String, Long> failures) {
            totalRequests = total;
            succeededRequests = succeeded;
            failuresByError = failures;
            return this;
        }

        public Builder tokens(long input, long output, long inputUnknown,
                Map<TokenCountSource, Long> inputSources,
                Map<TokenCountSource, Long> outputSources) {
            inputTokens = input;
            outputTokens = output;
            inputTokensUnknown = inputUnknown;
            inputTokenSources = inputSources;
            outputTokenSources = outputSources;
            return this;
        }

        public Builder peaks(double outputTokensPerSecond, long concurrentRequests) {
            peakOutputTokensPerSecond = outputTokensPerSecond;
            peakConcurrentRequests = concurrentRequests;
            return this;
        }

        public Builder slo(Slo value, long met, Map<Metric, Long> metByMetric) {
            slo = value;
            sloMet = met;
            sloMetByMetric = metByMetric;
            return this;
        }

        public Builder distribution(Metric metric, Distribution value) {
            distributions.put(metric, Objects.requireNonNull(value, "distribution"));
            return this;
        }

        public Builder clientHealth(ClientHealth value) {
            clientHealth = value;
            return this;
        }

        public Builder caveats(List<String> value) {
            caveats = value;
            return this;
        }

        /**
         * Returns the summary.
         *
         * @throws IllegalStateException if the load is missing or the counts contradict each
         *     other
         */
        public Summary build() {
            if (load == null) {
                throw new IllegalStateException("summary has no load description");
            }
            if (succeededRequests < 0 || succeededRequests > totalRequests) {
                throw new IllegalStateException("summary of " + load.label() + " has "
                        + succeededRequests + " successful requests out of " + totalRequests);
            }
            long failed = failuresByError.values().stream().mapToLong(Long::longValue).sum();
            if (failed != totalRequests - succeededRequests) {
                throw new IllegalStateException("summary of " + load.label() + " counts " + failed
                        + " failures by error but " + (totalRequests - succeededRequests)
                        + " failed requests");
            }
            return new Summary(this);
        }
    }
}
