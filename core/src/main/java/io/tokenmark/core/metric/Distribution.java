package io.tokenmark.core.metric;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Objects;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * An immutable distribution of one metric's samples: an HdrHistogram with
 * {@value #SIGNIFICANT_DIGITS} significant digits plus exact count, sum, sum of squared
 * deviations, minimum and maximum.
 *
 * <p>Values are in the metric's base unit: nanoseconds for times, tokens for token counts.
 * {@link #stats(double)} converts to a display unit.
 *
 * <p><b>Percentiles are nearest-rank:</b> the p-th percentile of n samples is the sample at rank
 * ⌈p/100 × n⌉ (at least 1) in ascending order, so p99 of {10, 20, 30} ms is 30 ms. The value is
 * the highest value equivalent to that sample's histogram bucket (within 0.1 % of the sample),
 * clamped to the exact minimum and maximum. Rank 1 and rank n return the exact extremes. The rank
 * is computed here in decimal arithmetic rather than taken from
 * {@code AbstractHistogram.getValueAtPercentile}: older HdrHistogram releases rounded the rank to
 * the nearest integer (p99 of 160 samples became the 158th), and 2.2.2, which rounds up after
 * lowering the percentile by one ulp, still returns a bucket's highest value, which can exceed
 * the largest sample.
 *
 * <p>Distributions merge exactly ({@link #merge}): the merged histogram is the sum of the
 * histograms and the moments combine by Chan's parallel formula. They are {@link Serializable}
 * (JMH sends results from forked JVMs as serialized objects) and encode to text for JSON
 * ({@link #encodeHistogram()}, {@link #restore}).
 *
 * <p>Thread-safe: instances never change after construction.
 */
public final class Distribution implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Significant decimal digits of every histogram: values within 0.1 % share a bucket. */
    public static final int SIGNIFICANT_DIGITS = 3;

    private static final Distribution EMPTY = new Distribution(
            newHistogram(), 0, 0, 0, Double.NaN, Double.NaN);

    private final Histogram histogram;
    private final long count;
    private final double sum;
    private final double m2;
    private final double min;
    private final double max;

    /** Takes ownership of {@code histogram}, which the caller must not change afterwards. */
    Distribution(Histogram histogram, long count, double sum, double m2, double min, double max) {
        this.histogram = histogram;
        this.count = count;
        this.sum = sum;
        this.m2 = m2;
        this.min = min;
        this.max = max;
    }

    static Histogram newHistogram() {
        return new Histogram(SIGNIFICANT_DIGITS);
    }

    /** Returns the distribution with no samples. */
    public static Distribution empty() {
        return EMPTY;
    }

    /**
     * Returns the distribution of the given samples.
     *
     * @throws IllegalArgumentException if a value is negative, NaN or infinite
     */
    public static Distribution of(double... values) {
        DistributionRecorder recorder = new DistributionRecorder();
        for (double value : values) {
            recorder.record(value);
        }
        return recorder.snapshot();
    }

    /**
     * Rebuilds a distribution from the parts written by {@link #encodeHistogram()} and the
     * moment accessors, as a summary file stores them.
     *
     * @param count number of samples
     * @param sum sum of the samples
     * @param m2 sum of squared deviations from the mean
     * @param min smallest sample ({@code NaN} when {@code count} is 0)
     * @param max largest sample ({@code NaN} when {@code count} is 0)
     * @param encodedHistogram the Base64 text from {@link #encodeHistogram()}
     * @throws IllegalArgumentException if the text is not an encoded histogram, or its count
     *     differs from {@code count}
     */
    public static Distribution restore(
            long count, double sum, double m2, double min, double max, String encodedHistogram) {
        Histogram decoded;
        try {
            byte[] bytes = Base64.getDecoder().decode(encodedHistogram);
            decoded = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
        } catch (IllegalArgumentException | DataFormatException | BufferUnderflowException e) {
            throw new IllegalArgumentException(
                    "invalid encoded histogram: not the Base64 of a compressed HdrHistogram", e);
        }
        if (decoded.getTotalCount() != count) {
            throw new IllegalArgumentException("encoded histogram contains " + decoded.getTotalCount()
                    + " samples but the stored count is " + count);
        }
        if (count == 0) {
            return EMPTY;
        }
        Histogram histogram = newHistogram();
        histogram.add(decoded);
        return new Distribution(histogram, count, sum, m2, min, max);
    }

    /** Returns the union of the given distributions' samples. */
    public static Distribution merge(Collection<Distribution> distributions) {
        Distribution result = EMPTY;
        for (Distribution distribution : distributions) {
            result = result.merge(distribution);
        }
        return result;
    }

    /** Returns the union of this distribution's samples and {@code other}'s. */
    public Distribution merge(Distribution other) {
        Objects.requireNonNull(other, "other");
        if (other.count == 0) {
            return this;
        }
        if (count == 0) {
            return other;
        }
        Histogram merged = histogram.copy();
        merged.add(other.histogram);

        long mergedCount = count + other.count;
        double delta = other.mean() - mean();
        double mergedM2 = m2 + other.m2
                + delta * delta * ((double) count * other.count / mergedCount);
        return new Distribution(merged, mergedCount, sum + other.sum, mergedM2,
                Math.min(min, other.min), Math.max(max, other.max));
    }

    /** Returns the number of samples. */
    public long count() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** Returns the exact sum of the samples. */
    public double sum() {
        return sum;
    }

    /** Returns the sum of squared deviations from the mean (Welford's M2). */
    public double m2() {
        return m2;
    }

    /** Returns the mean (sum / count), or {@code NaN} without samples. */
    public double mean() {
        return count == 0 ? Double.NaN : sum / count;
    }

    /** Returns the population standard deviation, or {@code NaN} without samples. */
    public double stdDev() {
        return count == 0 ? Double.NaN : Math.sqrt(Math.max(0, m2 / count));
    }

    /** Returns the exact smallest sample, or {@code NaN} without samples. */
    public double min() {
        return min;
    }

    /** Returns the exact largest sample, or {@code NaN} without samples. */
    public double max() {
        return max;
    }

    /**
     * Returns the nearest-rank percentile described in the class comment.
     *
     * @param percentile from 0 to 100; 0 returns the minimum
     * @return the value in the base unit, or {@code NaN} without samples
     * @throws IllegalArgumentException if {@code percentile} is outside [0, 100]
     */
    public double percentile(double percentile) {
        return percentiles(new double[] {percentile})[0];
    }

    /**
     * Returns the figures of this distribution with every value divided by {@code divisor},
     * for example {@code 1e6} to turn nanoseconds into milliseconds.
     *
     * @throws IllegalArgumentException if {@code divisor} is not a positive finite number
     */
    public DistributionStats stats(double divisor) {
        if (!(divisor > 0) || Double.isInfinite(divisor)) {
            throw new IllegalArgumentException(
                    "invalid divisor " + divisor + ": must be a positive finite number");
        }
        double[] p = percentiles(DistributionStats.REPORTED_PERCENTILES);
        return new DistributionStats(count, mean() / divisor, stdDev() / divisor,
                min / divisor, p[0] / divisor, p[1] / divisor, p[2] / divisor,
                p[3] / divisor, p[4] / divisor, max / divisor);
    }

    /** Returns the figures in milliseconds, for a distribution of nanoseconds. */
    public DistributionStats statsMillis() {
        return stats(1e6);
    }

    /** Returns a copy of the histogram, which the caller may change. */
    public Histogram histogramCopy() {
        return histogram.copy();
    }

    /** Returns the histogram in HdrHistogram's compressed encoding, as Base64 text. */
    public String encodeHistogram() {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * Computes several nearest-rank percentiles in one pass over the histogram's buckets.
     * {@code requested} need not be sorted.
     */
    private double[] percentiles(double[] requested) {
        long[] ranks = new long[requested.length];
        for (int i = 0; i < requested.length; i++) {
            ranks[i] = nearestRank(requested[i], count);
        }
        double[] values = new double[requested.length];
        if (count == 0) {
            Arrays.fill(values, Double.NaN);
            return values;
        }

        int found = 0;
        for (int i = 0; i < ranks.length; i++) {
            if (ranks[i] == 1) {
                values[i] = min;
                found++;
            } else if (ranks[i] == count) {
                values[i] = max;
                found++;
            } else {
                values[i] = Double.NaN;
            }
        }
        if (found == ranks.length) {
            return values;
        }

        for (HistogramIterationValue bucket : histogram.recordedValues()) {
            long cumulative = bucket.getTotalCountToThisValue();
            double bucketValue = histogram.highestEquivalentValue(bucket.getValueIteratedTo());
            for (int i = 0; i < ranks.length; i++) {
                if (Double.isNaN(values[i]) && cumulative >= ranks[i]) {
                    values[i] = Math.max(min, Math.min(max, bucketValue));
                }
            }
        }
        return values;
    }

    /**
     * Returns ⌈p/100 × n⌉ clamped to [1, n]. Decimal arithmetic keeps ranks exact where binary
     * floating point would not: 99.9 / 100 × 1000 is 999.0000000000001 in doubles.
     */
    static long nearestRank(double percentile, long n) {
        if (!(percentile >= 0 && percentile <= 100)) {
            throw new IllegalArgumentException(
                    "invalid percentile " + percentile + ": must be from 0 to 100");
        }
        if (n == 0) {
            return 0;
        }
        long rank = BigDecimal.valueOf(percentile)
                .multiply(BigDecimal.valueOf(n))
                .divide(BigDecimal.valueOf(100))
                .setScale(0, RoundingMode.CEILING)
                .longValueExact();
        return Math.max(1, Math.min(n, rank));
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Distribution)) {
            return false;
        }
        Distribution other = (Distribution) o;
        return count == other.count
                && Double.compare(sum, other.sum) == 0
                && Double.compare(m2, other.m2) == 0
                && Double.compare(min, other.min) == 0
                && Double.compare(max, other.max) == 0
                && histogram.equals(other.histogram);
    }

    @Override
    public int hashCode() {
        return Objects.hash(count, sum, m2, min, max);
    }

    @Override
    public String toString() {
        if (count == 0) {
            return "Distribution[empty]";
        }
        return "Distribution[count=" + count + ", mean=" + mean() + ", min=" + min
                + ", p50=" + percentile(50) + ", p99=" + percentile(99) + ", max=" + max + "]";
    }
}
