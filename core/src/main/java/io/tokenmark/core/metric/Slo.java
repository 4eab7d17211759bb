package io.tokenmark.core.metric;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Service-level objectives for goodput: per-request limits in milliseconds on TTFT, TPOT, ITL and
 * E2EL. Immutable.
 *
 * <p>A successful request meets an objective when its value is at most the limit, as
 * {@code vllm bench serve --goodput} judges it:
 * <ul>
 *   <li>TTFT and E2EL: the request's value; a request without any token event misses;</li>
 *   <li>TPOT: the request's TPOT; with N_out ≤ 1 it has none and meets the limit (vLLM counts
 *       such a TPOT as 0);</li>
 *   <li>ITL, which vLLM's goodput does not judge: the request's largest per-token ITL sample, so
 *       it meets the limit only when no token took longer; fewer than two token events meet
 *       it.</li>
 * </ul>
 * Failed requests miss every objective.
 */
public final class Slo {
    private static final Set<Metric> JUDGED = Collections.unmodifiableSet(
            java.util.EnumSet.of(Metric.TTFT, Metric.TPOT, Metric.ITL, Metric.E2EL));
    private static final Slo NONE = new Slo(new EnumMap<>(Metric.class));

    private final Map<Metric, Double> limitsMillis;

    private Slo(EnumMap<Metric, Double> limitsMillis) {
        this.limitsMillis = Collections.unmodifiableMap(limitsMillis);
    }

    /** Returns the empty set of objectives: goodput is then not reported. */
    public static Slo none() {
        return NONE;
    }

    /**
     * Returns these objectives with {@code metric} limited to {@code limitMillis}.
     *
     * @throws IllegalArgumentException if the metric is not TTFT, TPOT, ITL or E2EL, or the limit
     *     is negative or not finite
     */
    public Slo with(Metric metric, double limitMillis) {
        if (!JUDGED.contains(metric)) {
            throw new IllegalArgumentException("invalid SLO metric " + metric.key()
                    + ": use ttft, tpot, itl or e2el");
        }
        if (!(limitMillis >= 0) || Double.isInfinite(limitMillis)) {
            throw new IllegalArgumentException("invalid SLO " + metric.key() + "=" + limitMillis
                    + ": the limit must be a finite number of milliseconds, at least 0");
        }
        EnumMap<Metric, Double> copy = new EnumMap<>(Metric.class);
        copy.putAll(limitsMillis);
        copy.put(metric, limitMillis);
        return new Slo(copy);
    }

    /**
     * Parses {@code metric=milliseconds} pairs separated by commas, such as
     * {@code ttft=500,tpot=50}. A colon may replace the equals sign, as in vLLM's
     * {@code --goodput ttft:500}. A blank text gives {@link #none()}.
     *
     * @throws IllegalArgumentException naming the bad pair and the accepted form
     */
    public static Slo parse(String text) {
        Slo slo = NONE;
        if (text == null || text.isBlank()) {
            return slo;
        }
        for (String pair : text.split(",")) {
            String trimmed = pair.strip();
            int separator = Math.max(trimmed.indexOf('='), trimmed.indexOf(':'));
            if (separator <= 0 || separator == trimmed.length() - 1) {
                throw invalidPair(trimmed);
            }
            String name = trimmed.substring(0, separator).strip().toLowerCase(Locale.ROOT);
            Metric metric;
            double limit;
            try {
                metric = Metric.fromKey(name);
                limit = Double.parseDouble(trimmed.substring(separator + 1).strip());
            } catch (IllegalArgumentException e) {
                throw invalidPair(trimmed);
            }
            if (!JUDGED.contains(metric)) {
                throw invalidPair(trimmed);
            }
            slo = slo.with(metric, limit);
        }
        return slo;
    }

    private static IllegalArgumentException invalidPair(String pair) {
        return new IllegalArgumentException("invalid SLO '" + pair
                + "': use metric=milliseconds pairs such as ttft=500,tpot=50;"
                + " the metrics are ttft, tpot, itl and e2el");
    }

    /** Returns whether no objective is set. */
    public boolean isEmpty() {
        return limitsMillis.isEmpty();
    }

    /** Returns the metrics with a limit, in the declaration order of {@link Metric}. */
    public Set<Metric> metrics() {
        return limitsMillis.keySet();
    }

    /** Returns the limit of {@code metric} in milliseconds, or empty when it has none. */
    public OptionalDouble limitMillis(Metric metric) {
        Double limit = limitsMillis.get(metric);
        return limit == null ? OptionalDouble.empty() : OptionalDouble.of(limit);
    }

    /** Returns whether {@code valueNanos} is within the limit of {@code metric}, if it has one. */
    boolean meets(Metric metric, double valueNanos) {
        Double limit = limitsMillis.get(metric);
        return limit == null || valueNanos <= limit * 1e6;
    }

    /** Returns the objectives as text that {@link #parse} reads back, such as {@code ttft=500}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<Metric, Double> entry : limitsMillis.entrySet()) {
            if (text.length() > 0) {
                text.append(',');
            }
            text.append(entry.getKey().key()).append('=')
                    .append(java.math.BigDecimal.valueOf(entry.getValue())
                            .stripTrailingZeros().toPlainString());
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Slo && ((Slo) o).limitsMillis.equals(limitsMillis);
    }

    @Override
    public int hashCode() {
        return limitsMillis.hashCode();
    }
}
