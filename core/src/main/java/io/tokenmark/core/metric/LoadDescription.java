package io.tokenmark.core.metric;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Objects;

/**
 * The load a sweep point applied, as the harness describes it in its summary: a closed loop of N
 * users or an open loop at a request rate. It only describes; the sampler that applies the load
 * lives in {@code io.tokenmark.core.sampler}.
 *
 * <p>Build one with {@link #closedLoop(int)} or {@link #openLoop(double, double, Integer)}, then
 * add the planned size with {@link #withPlannedRequests(long)} or
 * {@link #withPlannedDurationSeconds(double)}. Values that do not apply to the mode are
 * {@code null}.
 *
 * @param label the point's label, such as {@code c16} or {@code r2.5}, used in file names
 * @param mode closed or open loop
 * @param concurrency closed loop: the number of users; else {@code null}
 * @param ratePerSecond open loop: requests per second, {@code Double.POSITIVE_INFINITY} when every
 *     request is sent at once; else {@code null}
 * @param burstiness open loop: the gamma shape of the arrival gaps, 1 for Poisson; else
 *     {@code null}
 * @param maxConcurrency open loop: the cap on requests in flight, or {@code null} when uncapped
 * @param plannedRequests the measured request count the point was configured with, or
 *     {@code null}
 * @param plannedDurationSeconds the duration the point was configured with, or {@code null}
 */
public record LoadDescription(
        String label,
        Mode mode,
        Integer concurrency,
        Double ratePerSecond,
        Double burstiness,
        Integer maxConcurrency,
        Long plannedRequests,
        Double plannedDurationSeconds) {

    /** The arrival model of a point. */
    public enum Mode {
        /** N users; each sends its next request when its last one ends. */
        CLOSED_LOOP,
        /** Requests are sent on a precomputed schedule, whether or not earlier ones ended. */
        OPEN_LOOP;

        /** Returns the name in result files: {@code closed_loop} or {@code open_loop}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Parses a name written by {@link #label()}.
         *
         * @throws IllegalArgumentException for another name
         */
        public static Mode fromLabel(String label) {
            for (Mode mode : values()) {
                if (mode.label().equals(label)) {
                    return mode;
                }
            }
            throw new IllegalArgumentException(
                    "unknown load mode '" + label + "': expected closed_loop or open_loop");
        }
    }

    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException naming the first invalid value and its valid range
     */
    public LoadDescription {
        Objects.requireNonNull(mode, "mode");
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("load point label is empty: use one such as c16");
        }
        if (mode == Mode.CLOSED_LOOP) {
            requirePresent("concurrency", concurrency, mode);
            requireAtLeast("concurrency", concurrency, 1);
            requireAbsent("rate", ratePerSecond, mode);
            requireAbsent("burstiness", burstiness, mode);
            requireAbsent("maximum concurrency", maxConcurrency, mode);
        } else {
            requirePresent("rate", ratePerSecond, mode);
            requirePresent("burstiness", burstiness, mode);
            requireAbsent("concurrency", concurrency, mode);
            if (!(ratePerSecond > 0)) {
                throw new IllegalArgumentException("invalid request rate " + ratePerSecond
                        + ": must be above 0 requests per second, or infinite");
            }
            if (!(burstiness > 0) || burstiness.isInfinite()) {
                throw new IllegalArgumentException("invalid burstiness " + burstiness
                        + ": must be a finite number above 0 (1 is Poisson)");
            }
            if (maxConcurrency != null) {
                requireAtLeast("maximum concurrency", maxConcurrency, 1);
            }
        }
        if (plannedRequests != null && plannedRequests < 1) {
            throw new IllegalArgumentException(
                    "invalid planned request count " + plannedRequests + ": must be at least 1");
        }
        if (plannedDurationSeconds != null
                && (!(plannedDurationSeconds > 0) || plannedDurationSeconds.isInfinite())) {
            throw new IllegalArgumentException("invalid planned duration " + plannedDurationSeconds
                    + " s: must be a finite number of seconds above 0");
        }
    }

    /**
     * Returns a closed loop of {@code concurrency} users labelled {@code c<concurrency>}.
     *
     * @throws IllegalArgumentException if {@code concurrency < 1}
     */
    public static LoadDescription closedLoop(int concurrency) {
        return new LoadDescription("c" + concurrency, Mode.CLOSED_LOOP, concurrency,
                null, null, null, null, null);
    }

    /**
     * Returns an open loop labelled {@code r<rate>}, or {@code r<rate>-c<max>} with a maximum
     * concurrency ({@code rinf} for an infinite rate).
     *
     * @param ratePerSecond requests per second, above 0; {@code Double.POSITIVE_INFINITY} sends
     *     every request at once
     * @param burstiness gamma shape of the arrival gaps, above 0; 1 is a Poisson process
     * @param maxConcurrency cap on requests in flight, at least 1, or {@code null}
     * @throws IllegalArgumentException naming an invalid value
     */
    public static LoadDescription openLoop(
            double ratePerSecond, double burstiness, Integer maxConcurrency) {
        String rate = Double.isInfinite(ratePerSecond) ? "inf" : formatNumber(ratePerSecond);
        String label = "r" + rate + (maxConcurrency == null ? "" : "-c" + maxConcurrency);
        return new LoadDescription(label, Mode.OPEN_LOOP, null, ratePerSecond, burstiness,
                maxConcurrency, null, null);
    }

    /** Returns a copy with another label. */
    public LoadDescription withLabel(String newLabel) {
        return new LoadDescription(newLabel, mode, concurrency, ratePerSecond, burstiness,
                maxConcurrency, plannedRequests, plannedDurationSeconds);
    }

    /** Returns a copy that records the planned measured request count. */
    public LoadDescription withPlannedRequests(long requests) {
        return new LoadDescription(label, mode, concurrency, ratePerSecond, burstiness,
                maxConcurrency, requests, plannedDurationSeconds);
    }

    /** Returns a copy that records the planned duration in seconds. */
    public LoadDescription withPlannedDurationSeconds(double seconds) {
        return new LoadDescription(label, mode, concurrency, ratePerSecond, burstiness,
                maxConcurrency, plannedRequests, seconds);
    }

    /**
     * Returns the concurrency limit the point ran under: the users of a closed loop, the cap of
     * an open loop, or {@code null} for an uncapped open loop.
     */
    public Integer concurrencyLimit() {
        return mode == Mode.CLOSED_LOOP ? concurrency : maxConcurrency;
    }

    /** Returns a finite open-loop rate, or {@code NaN} for a closed loop or an infinite rate. */
    public double finiteRatePerSecond() {
        if (ratePerSecond == null || ratePerSecond.isInfinite()) {
            return Double.NaN;
        }
        return ratePerSecond;
    }

    /** Formats a number without a trailing {@code .0}: 2.5 as {@code 2.5}, 10.0 as {@code 10}. */
    static String formatNumber(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private static void requirePresent(String name, Object value, Mode mode) {
        if (value == null) {
            throw new IllegalArgumentException(
                    "missing " + name + " for a " + mode.label().replace('_', ' ') + " point");
        }
    }

    private static void requireAbsent(String name, Object value, Mode mode) {
        if (value != null) {
            throw new IllegalArgumentException("a " + mode.label().replace('_', ' ')
                    + " point has no " + name + ", but " + value + " was given");
        }
    }

    private static void requireAtLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(
                    "invalid " + name + " " + value + ": must be at least " + min);
        }
    }
}
