package io.tokenmark.core.report;

import io.tokenmark.core.metric.Distribution;
import io.tokenmark.core.metric.Metric;
import io.tokenmark.core.metric.Summary;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A summary under the keys of evalscope perf's summary table
 * ({@code evalscope/perf/utils/benchmark_util.py}, in the releases whose table ends with the two
 * "package" rows), so new runs can be put beside old evalscope results.
 *
 * <p>The throughputs, counts and averages follow evalscope's formulas over successful requests.
 * Two inputs differ on purpose, because evalscope's own differ from TokenMark's definitions:
 * <ul>
 *   <li>"Average latency (s)" is the mean E2EL, which ends at the last token event; evalscope
 *       measures to the end of the response, so a slow usage chunk or {@code [DONE]} would
 *       lengthen it. The end-of-response time is the stream-time distribution.</li>
 *   <li>"Average time to first token (s)" is the mean TTFT, to the first token event; evalscope
 *       takes the first chunk of any kind, including a role-only first chunk.</li>
 * </ul>
 * "Average time per output token (s)" follows the later releases' formula, the mean over
 * successful requests of (latency − TTFT) / (N_out − 1), with 0 for N_out ≤ 1. The oldest
 * releases with the package rows averaged each request's chunk gaps instead, which is close to
 * "Average package latency (s)".
 *
 * <p>"Packages" are the gaps between token events: evalscope counts every chunk but the first and
 * the last, which gives the same number when a stream ends with one non-token chunk, as
 * OpenAI-compatible servers send it. Values are not rounded (evalscope rounds to four
 * decimals); averages over no request are {@code null}, where evalscope writes -1.
 */
public final class EvalscopeView {
    public static final String TIME_TAKEN = "Time taken for tests (s)";
    public static final String CONCURRENCY = "Number of concurrency";
    public static final String TOTAL_REQUESTS = "Total requests";
    public static final String SUCCEED_REQUESTS = "Succeed requests";
    public static final String FAILED_REQUESTS = "Failed requests";
    public static final String OUTPUT_TOKEN_THROUGHPUT = "Output token throughput (tok/s)";
    public static final String TOTAL_TOKEN_THROUGHPUT = "Total token throughput (tok/s)";
    public static final String REQUEST_THROUGHPUT = "Request throughput (req/s)";
    public static final String AVERAGE_LATENCY = "Average latency (s)";
    public static final String AVERAGE_TTFT = "Average time to first token (s)";
    public static final String AVERAGE_TPOT = "Average time per output token (s)";
    public static final String AVERAGE_INPUT_TOKENS = "Average input tokens per request";
    public static final String AVERAGE_OUTPUT_TOKENS = "Average output tokens per request";
    public static final String AVERAGE_PACKAGE_LATENCY = "Average package latency (s)";
    public static final String AVERAGE_PACKAGES = "Average package per request";
    public static final String EXPECTED_REQUESTS = "Expected number of requests";

    private EvalscopeView() {
    }

    /** Returns the view's fields in evalscope's row order; values are numbers or null. */
    public static Map<String, Object> of(Summary summary) {
        Map<String, Object> view = new LinkedHashMap<>();
        long succeeded = summary.succeededRequests();
        Distribution tpot = summary.distribution(Metric.TPOT);
        Distribution icl = summary.distribution(Metric.ICL);

        view.put(TIME_TAKEN, summary.durationSeconds());
        view.put(CONCURRENCY, summary.load().concurrencyLimit());
        view.put(TOTAL_REQUESTS, summary.totalRequests());
        view.put(SUCCEED_REQUESTS, succeeded);
        view.put(FAILED_REQUESTS, summary.failedRequests());
        view.put(OUTPUT_TOKEN_THROUGHPUT, summary.outputTokenThroughput());
        view.put(TOTAL_TOKEN_THROUGHPUT, summary.totalTokenThroughput());
        view.put(REQUEST_THROUGHPUT, summary.requestThroughput());
        view.put(AVERAGE_LATENCY, summary.distribution(Metric.E2EL).mean() / 1e9);
        view.put(AVERAGE_TTFT, summary.distribution(Metric.TTFT).mean() / 1e9);
        // evalscope averages TPOT over every successful request; N_out <= 1 adds 0.
        view.put(AVERAGE_TPOT, perRequest(tpot.sum() / 1e9, succeeded));
        view.put(AVERAGE_INPUT_TOKENS, perRequest(summary.inputTokens(), succeeded));
        view.put(AVERAGE_OUTPUT_TOKENS, perRequest(summary.outputTokens(), succeeded));
        view.put(AVERAGE_PACKAGE_LATENCY, icl.mean() / 1e9);
        view.put(AVERAGE_PACKAGES, perRequest(icl.count(), succeeded));
        if (summary.load().plannedRequests() != null) {
            view.put(EXPECTED_REQUESTS, summary.load().plannedRequests());
        }
        return view;
    }

    private static double perRequest(double amount, long requests) {
        return requests == 0 ? Double.NaN : amount / requests;
    }
}
