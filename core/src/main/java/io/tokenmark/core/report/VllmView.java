package io.tokenmark.core.report;

import io.tokenmark.core.metric.Distribution;
import io.tokenmark.core.metric.LoadDescription;
import io.tokenmark.core.metric.Metric;
import io.tokenmark.core.metric.Summary;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A summary under the field names of {@code vllm bench serve --save-result} (the result JSON of
 * {@code vllm/benchmarks/serve.py}), so tools built for vLLM's results can read TokenMark's.
 *
 * <p>Mapping:
 * <ul>
 *   <li>{@code itl} contains TokenMark's ICL, the gap between token events, because that is what
 *       vLLM measures under that name;</li>
 *   <li>{@code median} and {@code pNN} are nearest-rank, where vLLM interpolates linearly
 *       ({@code numpy.percentile}); {@code std} is the population deviation, like
 *       {@code numpy.std};</li>
 *   <li>a closed loop of N users is vLLM's {@code request_rate} {@code "inf"} with
 *       {@code max_concurrency} N;</li>
 *   <li>the schedule lag appears as {@code client_queue_time}, which vLLM writes only when
 *       {@code max_concurrency} is set;</li>
 *   <li>figures over no samples are {@code null}, where vLLM writes 0.</li>
 * </ul>
 * Run metadata ({@code date}, {@code backend}, {@code model_id}, {@code tokenizer_id},
 * {@code label}) is in {@code run.json}.
 */
public final class VllmView {
    /** Percentiles written for each metric, as {@code --metric-percentiles 90,95,99,99.9}. */
    private static final double[] PERCENTILES = {90, 95, 99, 99.9};

    private VllmView() {
    }

    /** Returns the view's fields in vLLM's order; values are numbers, strings or null. */
    public static Map<String, Object> of(Summary summary) {
        Map<String, Object> view = new LinkedHashMap<>();
        LoadDescription load = summary.load();
        boolean openLoop = load.mode() == LoadDescription.Mode.OPEN_LOOP;

        view.put("num_prompts", summary.totalRequests());
        view.put("request_rate", openLoop && !load.ratePerSecond().isInfinite()
                ? load.ratePerSecond() : "inf");
        view.put("burstiness", openLoop ? load.burstiness() : 1.0);
        view.put("max_concurrency", load.concurrencyLimit());

        view.put("duration", summary.durationSeconds());
        view.put("completed", summary.succeededRequests());
        view.put("failed", summary.failedRequests());
        view.put("total_input_tokens", summary.inputTokens());
        view.put("total_output_tokens", summary.outputTokens());
        view.put("request_throughput", summary.requestThroughput());
        view.put("request_goodput", summary.slo().isEmpty() ? null : summary.goodput());
        view.put("output_throughput", summary.outputTokenThroughput());
        view.put("total_token_throughput", summary.totalTokenThroughput());
        view.put("max_output_tokens_per_s", summary.peakOutputTokensPerSecond());
        view.put("max_concurrent_requests", summary.peakConcurrentRequests());

        putMetric(view, "ttft", summary.distribution(Metric.TTFT));
        putMetric(view, "tpot", summary.distribution(Metric.TPOT));
        putMetric(view, "itl", summary.distribution(Metric.ICL));
        putMetric(view, "e2el", summary.distribution(Metric.E2EL));
        if (load.concurrencyLimit() != null) {
            putMetric(view, "client_queue_time", summary.distribution(Metric.SCHEDULE_LAG));
        }
        return view;
    }

    private static void putMetric(Map<String, Object> view, String name, Distribution nanos) {
        view.put("mean_" + name + "_ms", nanos.mean() / 1e6);
        view.put("median_" + name + "_ms", nanos.percentile(50) / 1e6);
        view.put("std_" + name + "_ms", nanos.stdDev() / 1e6);
        for (double percentile : PERCENTILES) {
            view.put("p" + percentileWord(percentile) + "_" + name + "_ms",
                    nanos.percentile(percentile) / 1e6);
        }
    }

    /** Writes a percentile as vLLM names it: 99 as {@code 99}, 99.9 as {@code 99.9}. */
    private static String percentileWord(double percentile) {
        return percentile == Math.rint(percentile)
                ? Long.toString((long) percentile) : Double.toString(percentile);
    }
}
