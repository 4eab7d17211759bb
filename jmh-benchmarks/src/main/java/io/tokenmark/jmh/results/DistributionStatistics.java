package io.tokenmark.jmh.results;

import io.tokenmark.core.metric.Distribution;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.openjdk.jmh.util.AbstractStatistics;

/**
 * JMH {@link org.openjdk.jmh.util.Statistics} backed by a TokenMark {@link Distribution}, so that
 * everything JMH derives from a result's statistics (the score, its error, the
 * {@code scorePercentiles} of its JSON output) describes individual requests rather than
 * iterations.
 *
 * <p>Values are in a display unit: the distribution's base unit divided by {@code divisor}
 * (10⁶ turns nanoseconds into milliseconds).
 *
 * <ul>
 *   <li>{@link #getMean()}, {@link #getSum()}, {@link #getMin()} and {@link #getMax()} are exact;</li>
 *   <li>{@link #getVariance()} is the sample variance, M2 / (n − 1), as JMH's own statistics
 *       and commons-math compute it, so the score error ({@link #getMeanErrorAt}) is the
 *       Student-t confidence interval of the mean request; the summary files report the
 *       population standard deviation instead;</li>
 *   <li>{@link #getPercentile(double)} is the nearest-rank percentile of
 *       {@link Distribution#percentile(double)}, not the interpolated one of JMH's
 *       {@code ListStatistics};</li>
 *   <li>{@link #getRawData()} and {@link #getHistogram(double[])} read the HdrHistogram's
 *       buckets (3 significant digits), each bucket at its highest equivalent value.</li>
 * </ul>
 *
 * <p>Immutable and {@link java.io.Serializable}, as JMH requires of results that travel from a
 * forked JVM to the host.
 */
public final class DistributionStatistics extends AbstractStatistics {
    private static final long serialVersionUID = 1L;

    private final Distribution distribution;
    private final double divisor;

    /**
     * @param distribution the samples in their base unit
     * @param divisor the base-unit value of one display unit, such as 10⁶ for milliseconds
     * @throws IllegalArgumentException if {@code divisor} is not a positive finite number
     */
    public DistributionStatistics(Distribution distribution, double divisor) {
        this.distribution = Objects.requireNonNull(distribution, "distribution");
        if (!(divisor > 0) || Double.isInfinite(divisor)) {
            throw new IllegalArgumentException(
                    "invalid divisor " + divisor + ": must be a positive finite number");
        }
        this.divisor = divisor;
    }

    /** Returns the distribution in its base unit. */
    public Distribution distribution() {
        return distribution;
    }

    /** Returns the base-unit value of one display unit. */
    public double divisor() {
        return divisor;
    }

    @Override
    public long getN() {
        return distribution.count();
    }

    @Override
    public double getSum() {
        return distribution.sum() / divisor;
    }

    @Override
    public double getMean() {
        return distribution.mean() / divisor;
    }

    @Override
    public double getMin() {
        return distribution.min() / divisor;
    }

    @Override
    public double getMax() {
        return distribution.max() / divisor;
    }

    @Override
    public double getVariance() {
        long n = distribution.count();
        if (n < 2) {
            return Double.NaN;
        }
        return distribution.m2() / (n - 1) / (divisor * divisor);
    }

    @Override
    public double getStandardDeviation() {
        return Math.sqrt(getVariance());
    }

    /**
     * Returns the nearest-rank percentile in the display unit, or {@code NaN} without samples.
     *
     * @param rank the percentile, from 0 to 100
     * @throws IllegalArgumentException if {@code rank} is outside [0, 100]
     */
    @Override
    public double getPercentile(double rank) {
        return distribution.percentile(rank) / divisor;
    }

    /**
     * Counts the samples in each half-open bin {@code [levels[i], levels[i + 1])}, with every
     * sample at its histogram bucket's value.
     */
    @Override
    public int[] getHistogram(double[] levels) {
        int[] counts = new int[Math.max(0, levels.length - 1)];
        for (Map.Entry<Double, Long> bucket : buckets()) {
            double value = bucket.getKey();
            for (int i = 0; i < counts.length; i++) {
                if (value >= levels[i] && value < levels[i + 1]) {
                    counts[i] += (int) Math.min(Integer.MAX_VALUE - counts[i], bucket.getValue());
                    break;
                }
            }
        }
        return counts;
    }

    /** Returns each histogram bucket holding samples, as (value in the display unit, count). */
    @Override
    public Iterator<Map.Entry<Double, Long>> getRawData() {
        return buckets().iterator();
    }

    private List<Map.Entry<Double, Long>> buckets() {
        List<Map.Entry<Double, Long>> buckets = new ArrayList<>();
        if (distribution.isEmpty()) {
            return buckets;
        }
        Histogram histogram = distribution.histogramCopy();
        for (HistogramIterationValue bucket : histogram.recordedValues()) {
            double value = histogram.highestEquivalentValue(bucket.getValueIteratedTo()) / divisor;
            double clamped = Math.max(getMin(), Math.min(getMax(), value));
            buckets.add(new AbstractMap.SimpleImmutableEntry<>(clamped,
                    bucket.getCountAtValueIteratedTo()));
        }
        return buckets;
    }
}
