package io.tokenmark.core.sampler;

import java.time.Duration;
import java.util.Arrays;

/**
 * The precomputed send times of an open-loop point, as offsets in nanoseconds from the point's
 * start. Immutable and thread-safe.
 *
 * <p>The schedule is absolute: arrival {@code i} is due at {@code start + offsetNanos(i)}, however
 * late earlier arrivals were sent. Sleeping for each gap after the previous send instead would add
 * every wake-up delay to all later arrivals, so the achieved rate would drift below the requested
 * one.
 *
 * <p>The first arrival is at offset 0. Each later arrival follows the previous one by a gap drawn
 * from a gamma distribution with shape {@code burstiness} and mean {@code 1 / rate}, as
 * {@code vllm bench serve} draws them: burstiness 1 gives a Poisson process (exponential gaps),
 * lower values are burstier, higher values more uniform, and infinite burstiness gives constant
 * gaps of exactly {@code 1 / rate}. An infinite rate puts every arrival at offset 0. The same
 * rate, burstiness, length and seed always give the same schedule, on any JDK.
 *
 * <p><b>Caveat:</b> unlike recent {@code vllm bench serve} versions, the gaps are not rescaled
 * so that the last arrival lands at exactly {@code count / rate}. The achieved rate of a short
 * schedule therefore differs from the requested one by sampling noise: the relative standard
 * error of the mean gap is {@code 1 / sqrt(n × burstiness)} over {@code n} gaps.
 */
public final class ArrivalSchedule {
    /**
     * Largest number of arrivals one schedule holds: 16,777,216, which is 128 MiB of offsets and
     * 46 hours of load at 100 requests per second.
     */
    public static final int MAX_ARRIVALS = 1 << 24;
    /** Maximum window of a schedule bounded by a duration: 365 days. */
    public static final Duration MAX_DURATION = Duration.ofDays(365);

    private static final double NANOS_PER_SECOND = 1e9;

    private final long[] offsetsNanos;
    private final double ratePerSecond;
    private final double burstiness;
    private final long seed;

    private ArrivalSchedule(long[] offsetsNanos, double ratePerSecond, double burstiness, long seed) {
        this.offsetsNanos = offsetsNanos;
        this.ratePerSecond = ratePerSecond;
        this.burstiness = burstiness;
        this.seed = seed;
    }

    /**
     * Builds a schedule of {@code count} arrivals.
     *
     * @param ratePerSecond mean arrival rate, greater than 0, or {@code +Infinity}
     * @param burstiness gamma shape of the gaps, greater than 0, or {@code +Infinity}
     * @param count number of arrivals, 1 to {@link #MAX_ARRIVALS}
     * @param seed seed of the random gaps
     * @throws IllegalArgumentException naming an invalid value and its valid range
     */
    public static ArrivalSchedule ofCount(double ratePerSecond, double burstiness, int count,
            long seed) {
        validate(ratePerSecond, burstiness);
        if (count < 1 || count > MAX_ARRIVALS) {
            throw new IllegalArgumentException("invalid arrival count " + count
                    + ": must be 1 to " + MAX_ARRIVALS);
        }
        return generate(ratePerSecond, burstiness, count, Long.MAX_VALUE, seed);
    }

    /**
     * Builds a schedule of {@code leadingArrivals} arrivals followed by every arrival that falls
     * less than {@code duration} after the first of them, so the schedule contains a warm-up
     * followed by a measured window. With {@code leadingArrivals} 0 the window starts at offset
     * 0.
     *
     * @param ratePerSecond mean arrival rate, greater than 0 and finite
     * @param burstiness gamma shape of the gaps, greater than 0, or {@code +Infinity}
     * @param leadingArrivals arrivals before the window, 0 to {@link #MAX_ARRIVALS}
     * @param duration length of the window, positive and at most {@link #MAX_DURATION}
     * @param seed seed of the random gaps
     * @throws IllegalArgumentException naming an invalid value and its valid range, or when
     *     the schedule would hold more than {@link #MAX_ARRIVALS} arrivals
     */
    public static ArrivalSchedule ofDuration(double ratePerSecond, double burstiness,
            int leadingArrivals, Duration duration, long seed) {
        validate(ratePerSecond, burstiness);
        if (Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("invalid request rate " + ratePerSecond
                    + " for a schedule bounded by a duration: must be finite");
        }
        if (leadingArrivals < 0 || leadingArrivals > MAX_ARRIVALS) {
            throw new IllegalArgumentException("invalid leading arrival count " + leadingArrivals
                    + ": must be 0 to " + MAX_ARRIVALS);
        }
        if (duration.isZero() || duration.isNegative() || duration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("invalid duration " + duration
                    + ": must be positive and at most " + MAX_DURATION);
        }
        double expected = leadingArrivals + ratePerSecond * duration.toNanos() / NANOS_PER_SECOND;
        if (expected > MAX_ARRIVALS) {
            throw tooManyArrivals(ratePerSecond, duration);
        }
        return generate(ratePerSecond, burstiness, leadingArrivals, duration.toNanos(), seed);
    }

    private static IllegalArgumentException tooManyArrivals(double ratePerSecond,
            Duration duration) {
        return new IllegalArgumentException("schedule at " + LoadPoint.formatRate(ratePerSecond)
                + " req/s over " + duration + " holds more than " + MAX_ARRIVALS
                + " arrivals: shorten the duration or lower the rate");
    }

    /**
     * Builds the schedule of an open-loop point: its warm-up arrivals followed by its measured
     * ones, bounded by the point's request count or duration.
     *
     * @throws IllegalArgumentException if the point is closed loop
     */
    public static ArrivalSchedule forPoint(LoadPoint point, long seed) {
        if (point.mode() != LoadPoint.Mode.OPEN_LOOP) {
            throw new IllegalArgumentException(
                    "point " + point.label() + " is closed loop: it has no arrival schedule");
        }
        if (point.boundedByCount()) {
            return ofCount(point.ratePerSecond(), point.burstiness(),
                    point.warmupRequests() + point.requests(), seed);
        }
        return ofDuration(point.ratePerSecond(), point.burstiness(), point.warmupRequests(),
                point.duration(), seed);
    }

    private static void validate(double ratePerSecond, double burstiness) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("invalid request rate " + ratePerSecond
                    + " req/s: must be greater than 0, or infinity");
        }
        if (!(burstiness > 0)) {
            throw new IllegalArgumentException("invalid burstiness " + burstiness
                    + ": must be greater than 0, or infinity");
        }
    }

    /**
     * Generates arrivals until {@code minCount} exist and the window that starts at arrival
     * {@code minCount} (or at 0) has passed {@code windowNanos}; with {@code windowNanos} at
     * {@code Long.MAX_VALUE}, exactly {@code minCount} arrivals.
     */
    private static ArrivalSchedule generate(double ratePerSecond, double burstiness, int minCount,
            long windowNanos, long seed) {
        boolean byCount = windowNanos == Long.MAX_VALUE;
        int capacity = byCount ? minCount : initialCapacity(ratePerSecond, minCount, windowNanos);
        long[] offsets = new long[capacity];

        GammaGaps gaps = new GammaGaps(ratePerSecond, burstiness, seed);
        boolean constantGaps = Double.isInfinite(burstiness);
        double offsetSeconds = 0;
        long windowStart = 0;
        int n = 0;
        while (true) {
            long offset;
            if (Double.isInfinite(ratePerSecond)) {
                offset = 0;
            } else if (constantGaps) {
                // Computed from the index, not summed, so rounding never accumulates.
                offset = Math.round(n * NANOS_PER_SECOND / ratePerSecond);
            } else {
                if (n > 0) {
                    offsetSeconds += gaps.nextGapSeconds();
                }
                offset = Math.round(offsetSeconds * NANOS_PER_SECOND);
            }

            if (n == minCount) {
                windowStart = offset;
            }
            boolean complete = byCount
                    ? n == minCount
                    : n > minCount && offset - windowStart >= windowNanos;
            if (complete) {
                break;
            }
            if (n == MAX_ARRIVALS) {
                throw tooManyArrivals(ratePerSecond, Duration.ofNanos(windowNanos));
            }
            if (n == offsets.length) {
                offsets = Arrays.copyOf(offsets, (int) Math.min(MAX_ARRIVALS, 2L * n));
            }
            offsets[n++] = offset;
        }
        long[] exact = n == offsets.length ? offsets : Arrays.copyOf(offsets, n);
        return new ArrivalSchedule(exact, ratePerSecond, burstiness, seed);
    }

    private static int initialCapacity(double ratePerSecond, int leading, long windowNanos) {
        double expected = leading + ratePerSecond * windowNanos / NANOS_PER_SECOND;
        return (int) Math.max(16, Math.min(MAX_ARRIVALS, expected * 1.1 + 16));
    }

    /** Returns the number of arrivals. */
    public int size() {
        return offsetsNanos.length;
    }

    /** Returns when arrival {@code i} is due, in nanoseconds after the point's start. */
    public long offsetNanos(int i) {
        return offsetsNanos[i];
    }

    /** Returns a copy of every offset, in nanoseconds after the point's start. */
    public long[] offsetsNanos() {
        return offsetsNanos.clone();
    }

    /** Returns the mean arrival rate the schedule was drawn for, in requests per second. */
    public double ratePerSecond() {
        return ratePerSecond;
    }

    /** Returns the gamma shape the gaps were drawn with. */
    public double burstiness() {
        return burstiness;
    }

    /** Returns the seed the gaps were drawn with. */
    public long seed() {
        return seed;
    }

    /** Two schedules are equal when their offsets are; rate, burstiness and seed are ignored. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ArrivalSchedule
                && Arrays.equals(offsetsNanos, ((ArrivalSchedule) o).offsetsNanos);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(offsetsNanos);
    }

    @Override
    public String toString() {
        long last = offsetsNanos.length == 0 ? 0 : offsetsNanos[offsetsNanos.length - 1];
        return "ArrivalSchedule[" + offsetsNanos.length + " arrivals over " + last / 1_000_000
                + " ms, " + LoadPoint.formatRate(ratePerSecond) + " req/s, burstiness "
                + burstiness + ", seed " + seed + "]";
    }
}
