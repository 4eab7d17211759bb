package io.tokenmark.jmh.perf;

import java.util.Arrays;

/**
 * Exact statistics of a set of {@code long} samples that may be negative, such as the signed
 * error of measured times against the truth. Percentiles are nearest-rank over the sorted
 * samples: the p-th percentile of n samples is the sample of rank ⌈p/100 · n⌉, as in the
 * project's metric distributions, but without HdrHistogram's rounding.
 *
 * <p>Not thread-safe. Memory: 8 bytes per sample.
 */
public final class SignedSamples {
    private long[] samples = new long[1024];
    private int count;
    private boolean sorted = true;
    private double sum;

    /** Adds one sample. */
    public void add(long sample) {
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, count * 2);
        }
        samples[count++] = sample;
        sum += sample;
        sorted = false;
    }

    /** Returns the number of samples. */
    public int count() {
        return count;
    }

    /** Returns the arithmetic mean, or {@code NaN} without samples. */
    public double mean() {
        return count == 0 ? Double.NaN : sum / count;
    }

    /** Returns the smallest sample, or {@code NaN} without samples. */
    public double min() {
        return count == 0 ? Double.NaN : sortedSamples()[0];
    }

    /** Returns the largest sample, or {@code NaN} without samples. */
    public double max() {
        return count == 0 ? Double.NaN : sortedSamples()[count - 1];
    }

    /**
     * Returns the nearest-rank percentile, or {@code NaN} without samples.
     *
     * @param percentile from 0 (exclusive) to 100 (inclusive)
     * @throws IllegalArgumentException if {@code percentile} is outside (0, 100]
     */
    public double percentile(double percentile) {
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException(
                    "invalid percentile " + percentile + ": must be in (0, 100]");
        }
        if (count == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(percentile / 100 * count);
        return sortedSamples()[Math.max(1, rank) - 1];
    }

    private long[] sortedSamples() {
        if (!sorted) {
            Arrays.sort(samples, 0, count);
            sorted = true;
        }
        return samples;
    }
}
