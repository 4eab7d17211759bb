package io.tokenmark.jmh.report;

import io.tokenmark.core.metric.Distribution;
import io.tokenmark.core.metric.DistributionStats;
import io.tokenmark.core.metric.Metric;
import io.tokenmark.core.metric.Summary;
import java.util.function.ToDoubleFunction;

/**
 * A figure that {@code compare} puts side by side, with the direction that counts as better and
 * the estimate of its noise that the {@link WelchTest} uses.
 *
 * <p>Noise estimates:
 * <ul>
 *   <li>Means of per-request metrics (TTFT, TPOT, E2EL): the standard error of the mean of the
 *       point's successful requests, from the summary's exact standard deviation and count.</li>
 *   <li>Means of per-token metrics (ITL): the tokens of one request are not independent, so
 *       the standard error counts one sample per successful request, not per token, which
 *       overstates the noise rather than understating it.</li>
 *   <li>Throughputs: by Little's law a closed loop's throughput is the number of users times the
 *       tokens per request divided by the mean request time, so its relative standard error is
 *       taken as that of the mean stream time, combined with that of the mean output length for
 *       token throughputs. For an open loop below saturation the throughput follows the offered
 *       rate, and the test shows little.</li>
 *   <li>Percentiles and failure counts are shown without a test.</li>
 * </ul>
 */
public enum ComparedMetric {
    OUTPUT_THROUGHPUT("Output token throughput", "tok/s", true, Summary::outputTokenThroughput),
    TOTAL_THROUGHPUT("Total token throughput", "tok/s", true, Summary::totalTokenThroughput),
    REQUEST_THROUGHPUT("Request throughput", "req/s", true, Summary::requestThroughput),
    GOODPUT("Goodput", "req/s", true, Summary::goodput),
    TTFT_MEAN("Mean TTFT", "ms", false, s -> s.stats(Metric.TTFT).mean()),
    TTFT_P99("P99 TTFT", "ms", false, s -> s.stats(Metric.TTFT).p99()),
    TPOT_MEAN("Mean TPOT", "ms", false, s -> s.stats(Metric.TPOT).mean()),
    TPOT_P99("P99 TPOT", "ms", false, s -> s.stats(Metric.TPOT).p99()),
    ITL_MEAN("Mean ITL", "ms", false, s -> s.stats(Metric.ITL).mean()),
    ITL_P99("P99 ITL", "ms", false, s -> s.stats(Metric.ITL).p99()),
    E2EL_MEAN("Mean E2EL", "ms", false, s -> s.stats(Metric.E2EL).mean()),
    E2EL_P99("P99 E2EL", "ms", false, s -> s.stats(Metric.E2EL).p99()),
    FAILED("Failed requests", "", false, s -> (double) s.failedRequests());

    private final String title;
    private final String unit;
    private final boolean higherIsBetter;
    private final ToDoubleFunction<Summary> value;

    ComparedMetric(String title, String unit, boolean higherIsBetter,
            ToDoubleFunction<Summary> value) {
        this.title = title;
        this.unit = unit;
        this.higherIsBetter = higherIsBetter;
        this.value = value;
    }

    /** Returns the row title with its unit, such as {@code Mean TTFT (ms)}. */
    public String displayName() {
        return unit.isEmpty() ? title : title + " (" + unit + ")";
    }

    /** Returns whether a higher value is better, as for throughputs. */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** Returns the value in {@code summary}, or {@code NaN} when it has none. */
    public double valueOf(Summary summary) {
        return value.applyAsDouble(summary);
    }

    /**
     * Returns the noise of the value in {@code summary}, or {@code null} when this metric is not
     * tested or the point has fewer than two samples of it.
     */
    public WelchTest.Estimate estimate(Summary summary) {
        switch (this) {
            case TTFT_MEAN:
                return meanEstimate(summary, Metric.TTFT, false);
            case TPOT_MEAN:
                return meanEstimate(summary, Metric.TPOT, false);
            case E2EL_MEAN:
                return meanEstimate(summary, Metric.E2EL, false);
            case ITL_MEAN:
                return meanEstimate(summary, Metric.ITL, true);
            case OUTPUT_THROUGHPUT:
            case TOTAL_THROUGHPUT:
            case GOODPUT:
                return throughputEstimate(summary, true);
            case REQUEST_THROUGHPUT:
                return throughputEstimate(summary, false);
            default:
                return null;
        }
    }

    private static WelchTest.Estimate meanEstimate(Summary summary, Metric metric,
            boolean perToken) {
        DistributionStats stats = summary.stats(metric);
        long count = perToken ? Math.min(stats.count(), summary.succeededRequests()) : stats.count();
        if (count < 2 || !Double.isFinite(stats.mean()) || !Double.isFinite(stats.stdDev())) {
            return null;
        }
        return WelchTest.Estimate.ofMean(stats.mean(), stats.stdDev(), count);
    }

    private WelchTest.Estimate throughputEstimate(Summary summary, boolean tokens) {
        double throughput = valueOf(summary);
        Distribution streamTime = summary.distribution(Metric.STREAM_TIME);
        long n = streamTime.count();
        if (n < 2 || !Double.isFinite(throughput) || !(streamTime.mean() > 0)) {
            return null;
        }
        double relativeVariance = square(sampleStdDev(streamTime) / streamTime.mean()) / n;
        if (tokens) {
            Distribution outputTokens = summary.distribution(Metric.OUTPUT_TOKENS);
            if (outputTokens.count() >= 2 && outputTokens.mean() > 0) {
                relativeVariance += square(sampleStdDev(outputTokens) / outputTokens.mean())
                        / outputTokens.count();
            }
        }
        return new WelchTest.Estimate(throughput, Math.abs(throughput) * Math.sqrt(relativeVariance),
                n - 1);
    }

    private static double sampleStdDev(Distribution distribution) {
        long n = distribution.count();
        return distribution.stdDev() * Math.sqrt((double) n / (n - 1));
    }

    private static double square(double value) {
        return value * value;
    }
}
