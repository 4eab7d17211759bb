package io.tokenmark.core.metric;

/**
 * The figures reported for one distribution, in a display unit such as milliseconds.
 *
 * <p>Percentiles are nearest-rank (see {@link Distribution#percentile(double)}). Every value is
 * {@code NaN} when {@code count} is 0. The standard deviation is the population standard
 * deviation, as {@code numpy.std} computes it.
 *
 * @param count number of samples
 * @param mean arithmetic mean from the exact sum
 * @param stdDev population standard deviation from exact moments
 * @param min smallest sample
 * @param p50 median
 * @param p90 90th percentile
 * @param p95 95th percentile
 * @param p99 99th percentile
 * @param p999 99.9th percentile
 * @param max largest sample
 */
public record DistributionStats(
        long count,
        double mean,
        double stdDev,
        double min,
        double p50,
        double p90,
        double p95,
        double p99,
        double p999,
        double max) {

    /** Percentiles reported for every distribution, in the order of the fields. */
    static final double[] REPORTED_PERCENTILES = {50, 90, 95, 99, 99.9};

    /** Returns whether the distribution had no samples. */
    public boolean isEmpty() {
        return count == 0;
    }
}
