package io.tokenmark.jmh.results;

import io.tokenmark.core.metric.Distribution;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.Aggregator;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ResultRole;
import org.openjdk.jmh.results.ScalarDerivativeResult;

/**
 * A JMH secondary result that carries the full distribution of one per-request metric, such as
 * the TTFT of every request of an iteration.
 *
 * <p>JMH merges results twice: the results of one iteration's threads, then the iterations of a
 * benchmark, including those of every fork, which arrive serialized from the forked JVMs. Both
 * aggregators of this class merge the distributions exactly (histograms add, moments combine by
 * Chan's formula), as JMH's own {@code SampleTimeResult} joins its sample buffers. The merged
 * result's {@link #getStatistics()} is a {@link DistributionStatistics} over all requests, so
 * the score is the mean request, the score error is the confidence interval of that mean, and
 * the {@code scorePercentiles} of JMH's JSON are percentiles over requests, not over iteration
 * scores.
 *
 * <p>Each result also yields derivative results named {@code <label>.p<percentile>} (such as
 * {@code ttft.p99}) for the percentiles it was built with. JMH computes them after merging, so
 * they are per-request percentiles too, and its console table lists them.
 *
 * <p><b>Caveats.</b> 1. Percentiles are nearest-rank over HdrHistogram buckets with 3 significant
 * digits, see {@link Distribution#percentile(double)}. 2. The score error assumes independent
 * requests; requests of one closed loop are not independent, so read it as a lower bound.
 *
 * <p>Immutable and {@link java.io.Serializable}.
 */
public final class DistributionResult extends Result<DistributionResult> {
    private static final long serialVersionUID = 1L;

    private final Distribution distribution;
    private final double divisor;
    private final double[] derivedPercentiles;

    /**
     * Creates a secondary result.
     *
     * @param label the result's name in JMH output, such as {@code ttft}
     * @param distribution the samples in their base unit, such as nanoseconds
     * @param unit the display unit, such as {@code ms}
     * @param divisor the base-unit value of one display unit, such as 10⁶ for nanoseconds shown
     *     in milliseconds
     * @param derivedPercentiles the percentiles, from 0 to 100, published as derivative results
     * @throws IllegalArgumentException if the divisor is not a positive finite number or a
     *     percentile is outside [0, 100]
     */
    public DistributionResult(String label, Distribution distribution, String unit,
            double divisor, double... derivedPercentiles) {
        this(ResultRole.SECONDARY, label, distribution, unit, divisor, derivedPercentiles);
    }

    private DistributionResult(ResultRole role, String label, Distribution distribution,
            String unit, double divisor, double[] derivedPercentiles) {
        super(role, Objects.requireNonNull(label, "label"),
                new DistributionStatistics(distribution, divisor), unit, AggregationPolicy.AVG);
        for (double percentile : derivedPercentiles) {
            if (!(percentile >= 0 && percentile <= 100)) {
                throw new IllegalArgumentException("invalid percentile " + percentile
                        + " for result " + label + ": must be from 0 to 100");
            }
        }
        this.distribution = distribution;
        this.divisor = divisor;
        this.derivedPercentiles = derivedPercentiles.clone();
    }

    /** Returns the samples in their base unit. */
    public Distribution distribution() {
        return distribution;
    }

    /** Returns the base-unit value of one display unit. */
    public double divisor() {
        return divisor;
    }

    /** Returns the label of the derivative result of {@code percentile}, such as {@code ttft.p99}. */
    public static String percentileLabel(String label, double percentile) {
        return label + ".p" + BigDecimal.valueOf(percentile).stripTrailingZeros().toPlainString();
    }

    @Override
    protected Aggregator<DistributionResult> getThreadAggregator() {
        return new MergingAggregator();
    }

    @Override
    protected Aggregator<DistributionResult> getIterationAggregator() {
        return new MergingAggregator();
    }

    @Override
    protected Collection<? extends Result> getDerivativeResults() {
        List<Result> derived = new ArrayList<>();
        for (double percentile : derivedPercentiles) {
            derived.add(new ScalarDerivativeResult(percentileLabel(label, percentile),
                    getStatistics().getPercentile(percentile), unit, AggregationPolicy.AVG));
        }
        return derived;
    }

    @Override
    public String toString() {
        if (distribution.isEmpty()) {
            return "no samples " + unit;
        }
        return String.format(Locale.ROOT, "%.3f %s (p50 %.3f, p99 %.3f, n = %d)",
                getScore(), unit, getStatistics().getPercentile(50),
                getStatistics().getPercentile(99), distribution.count());
    }

    /** Merges the distributions of results that share a label and unit. */
    private static final class MergingAggregator implements Aggregator<DistributionResult> {
        @Override
        public DistributionResult aggregate(Collection<DistributionResult> results) {
            DistributionResult first = results.iterator().next();
            Distribution merged = Distribution.empty();
            for (DistributionResult result : results) {
                if (!result.unit.equals(first.unit) || result.divisor != first.divisor) {
                    throw new IllegalStateException("cannot merge result " + result.label + " in "
                            + result.unit + " with one in " + first.unit);
                }
                merged = merged.merge(result.distribution);
            }
            return new DistributionResult(first.role, first.label, merged, first.unit,
                    first.divisor, first.derivedPercentiles);
        }
    }
}
