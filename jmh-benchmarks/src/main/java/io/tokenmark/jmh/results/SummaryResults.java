package io.tokenmark.jmh.results;

import io.tokenmark.core.metric.Metric;
import io.tokenmark.core.metric.Summary;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Turns the summary of one JMH iteration's requests into JMH secondary results.
 *
 * <table>
 *   <caption>Results</caption>
 *   <tr><th>label</th><th>unit</th><th>type</th><th>meaning</th></tr>
 *   <tr><td>{@code ttft}, {@code ttfo}, {@code tpot}, {@code icl}, {@code itl}, {@code e2el},
 *       {@code stream_time}, {@code schedule_lag}</td><td>ms</td><td>{@link DistributionResult}</td>
 *       <td>per-request (or per-gap, per-token) distribution; score is the mean</td></tr>
 *   <tr><td>{@code input_tokens}, {@code output_tokens}</td><td>tokens</td>
 *       <td>{@link DistributionResult}</td><td>N_in and N_out per successful request</td></tr>
 *   <tr><td>{@code <metric>.p50}, {@code .p90}, {@code .p99}</td><td>ms</td><td>derivative</td>
 *       <td>per-request percentiles of the six latency metrics above, after merging</td></tr>
 *   <tr><td>{@code request_throughput}</td><td>req/s</td><td>scalar, mean of iterations</td>
 *       <td>successful requests / D</td></tr>
 *   <tr><td>{@code output_throughput}</td><td>tok/s</td><td>scalar, mean of iterations</td>
 *       <td>Σ N_out / D</td></tr>
 *   <tr><td>{@code total_token_throughput}</td><td>tok/s</td><td>scalar, mean of
 *       iterations</td><td>Σ (N_in + N_out) / D</td></tr>
 *   <tr><td>{@code goodput}</td><td>req/s</td><td>scalar, mean of iterations</td><td>requests
 *       meeting every SLO / D; only when SLOs are set</td></tr>
 *   <tr><td>{@code succeeded}, {@code failed}</td><td>requests</td><td>scalar, sum of
 *       iterations</td><td>request counts by outcome</td></tr>
 * </table>
 *
 * <p>D is the summary's duration in seconds, which the harness sets to the iteration's window.
 * A rate over no time is {@code NaN}, which JMH's JSON writes as {@code "NaN"}.
 */
public final class SummaryResults {
    /** Percentiles published as derivative results of the latency metrics. */
    public static final double[] DERIVED_PERCENTILES = {50, 90, 99};

    /** The latency metrics that get derivative percentile results. */
    public static final Set<Metric> LATENCY_METRICS = EnumSet.of(
            Metric.TTFT, Metric.TTFO, Metric.TPOT, Metric.ICL, Metric.ITL, Metric.E2EL);

    /** Label of the successful requests per second. */
    public static final String REQUEST_THROUGHPUT = "request_throughput";
    /** Label of the output tokens per second. */
    public static final String OUTPUT_THROUGHPUT = "output_throughput";
    /** Label of the input plus output tokens per second. */
    public static final String TOTAL_TOKEN_THROUGHPUT = "total_token_throughput";
    /** Label of the requests per second that met every SLO. */
    public static final String GOODPUT = "goodput";
    /** Label of the successful request count. */
    public static final String SUCCEEDED = "succeeded";
    /** Label of the failed request count. */
    public static final String FAILED = "failed";

    private SummaryResults() {
    }

    /** Returns the JMH secondary results of {@code summary}, in the order of the class table. */
    public static List<Result<?>> of(Summary summary) {
        List<Result<?>> results = new ArrayList<>();
        for (Metric metric : Metric.values()) {
            double[] percentiles = LATENCY_METRICS.contains(metric)
                    ? DERIVED_PERCENTILES : new double[0];
            results.add(new DistributionResult(metric.key(), summary.distribution(metric),
                    metric.isTime() ? "ms" : "tokens", metric.displayDivisor(), percentiles));
        }

        results.add(rate(REQUEST_THROUGHPUT, summary.requestThroughput(), "req/s"));
        results.add(rate(OUTPUT_THROUGHPUT, summary.outputTokenThroughput(), "tok/s"));
        results.add(rate(TOTAL_TOKEN_THROUGHPUT, summary.totalTokenThroughput(), "tok/s"));
        if (!summary.slo().isEmpty()) {
            results.add(rate(GOODPUT, summary.goodput(), "req/s"));
        }
        results.add(new ScalarResult(SUCCEEDED, summary.succeededRequests(), "requests",
                AggregationPolicy.SUM));
        results.add(new ScalarResult(FAILED, summary.failedRequests(), "requests",
                AggregationPolicy.SUM));
        return results;
    }

    private static ScalarResult rate(String label, double value, String unit) {
        return new ScalarResult(label, value, unit, AggregationPolicy.AVG);
    }
}
