package io.tokenmark.core.metric;

import org.HdrHistogram.Histogram;

/**
 * Collects samples of one metric into an HdrHistogram and exact running moments, and hands out
 * immutable {@link Distribution} snapshots.
 *
 * <p>Samples are non-negative numbers in the metric's base unit (nanoseconds for times, tokens
 * for token counts). The histogram stores each sample rounded to the nearest integer with
 * {@value Distribution#SIGNIFICANT_DIGITS} significant digits and grows its range as needed;
 * the count, sum, sum of squared deviations (Welford's method), minimum and maximum are kept
 * exactly, so means and standard deviations do not depend on the histogram's buckets.
 *
 * <p><b>Threading:</b> not thread-safe. {@link MetricsRecorder} guards its recorders with one
 * lock; use it, or confine a recorder to one thread.
 */
public final class DistributionRecorder {
    private final Histogram histogram = Distribution.newHistogram();
    private long count;
    private double sum;
    private double runningMean;
    private double m2;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    /**
     * Adds one sample.
     *
     * @param value the sample in the metric's base unit
     * @throws IllegalArgumentException if the value is negative, NaN or infinite
     */
    public void record(double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(
                    "invalid sample " + value + ": must be a finite number of at least 0");
        }
        histogram.recordValue(Math.round(value));

        count++;
        sum += value;
        double delta = value - runningMean;
        runningMean += delta / count;
        m2 += delta * (value - runningMean);
        min = Math.min(min, value);
        max = Math.max(max, value);
    }

    /** Returns the number of samples recorded so far. */
    public long count() {
        return count;
    }

    /** Returns an immutable copy of what was recorded so far; later samples do not change it. */
    public Distribution snapshot() {
        if (count == 0) {
            return Distribution.empty();
        }
        return new Distribution(histogram.copy(), count, sum, m2, min, max);
    }
}
