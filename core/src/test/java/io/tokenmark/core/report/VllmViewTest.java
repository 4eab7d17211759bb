package io.tokenmark.core.report;

import static io.tokenmark.core.metric.Requests.success;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tokenmark.core.metric.LoadDescription;
import io.tokenmark.core.metric.MetricsRecorder;
import io.tokenmark.core.metric.Requests;
import io.tokenmark.core.metric.Slo;
import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.metric.SummaryContext;
import io.tokenmark.core.metric.TokenCountSource;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VllmViewTest {
    private static Summary summary(LoadDescription load, Slo slo) {
        MetricsRecorder metrics = new MetricsRecorder(Requests.ORIGIN_NANOS, slo);
        // Three events 20 ms apart carrying 1, 4 and 4 tokens: ICL 20 ms, per-token ITL 5 ms.
        metrics.record(success(0, 0, 100, 20, 3, 16, 0)
                .tokensPerEvent(new int[] {1, 4, 4}, TokenCountSource.USAGE)
                .outputTokens(9, TokenCountSource.USAGE).build());
        metrics.record(success(1, 10, 120, 20, 3, 16, 0)
                .tokensPerEvent(new int[] {1, 4, 4}, TokenCountSource.USAGE)
                .outputTokens(9, TokenCountSource.USAGE).build());
        return metrics.summarize(SummaryContext.of(load));
    }

    @Test
    void viewHasVllmResultFields() {
        Map<String, Object> view = VllmView.of(summary(LoadDescription.closedLoop(2), Slo.none()));

        assertThat(view).containsKeys("num_prompts", "request_rate", "burstiness",
                "max_concurrency", "duration", "completed", "failed", "total_input_tokens",
                "total_output_tokens", "request_throughput", "request_goodput",
                "output_throughput", "total_token_throughput", "max_output_tokens_per_s",
                "max_concurrent_requests");
        for (String metric : new String[] {"ttft", "tpot", "itl", "e2el"}) {
            assertThat(view).containsKeys("mean_" + metric + "_ms", "median_" + metric + "_ms",
                    "std_" + metric + "_ms", "p90_" + metric + "_ms", "p95_" + metric + "_ms",
                    "p99_" + metric + "_ms", "p99.9_" + metric + "_ms");
        }
    }

    @Test
    void itlFieldsHoldInterChunkLatency() {
        Map<String, Object> view = VllmView.of(summary(LoadDescription.closedLoop(2), Slo.none()));

        assertThat((Double) view.get("mean_itl_ms")).isCloseTo(20.0, within(1e-9));
        assertThat((Double) view.get("p99_itl_ms")).isCloseTo(20.0, within(20e-3));
        // TPOT = (E2EL − TTFT) / (N − 1) = 40 / 8 ms.
        assertThat((Double) view.get("mean_tpot_ms")).isCloseTo(5.0, within(1e-9));
        assertThat((Double) view.get("mean_ttft_ms")).isCloseTo(110.0, within(1e-9));
        assertThat((Double) view.get("std_ttft_ms")).isCloseTo(10.0, within(1e-9));
    }

    @Test
    void closedLoopIsInfiniteRateWithMaxConcurrency() {
        Map<String, Object> view = VllmView.of(summary(LoadDescription.closedLoop(2), Slo.none()));

        assertThat(view.get("request_rate")).isEqualTo("inf");
        assertThat(view.get("burstiness")).isEqualTo(1.0);
        assertThat(view.get("max_concurrency")).isEqualTo(2);
        assertThat(view.get("request_goodput")).isNull();
        assertThat(view).containsKeys("mean_client_queue_time_ms", "p99_client_queue_time_ms");
    }

    @Test
    void uncappedOpenLoopOmitsQueueTime() {
        Map<String, Object> view = VllmView.of(
                summary(LoadDescription.openLoop(2.5, 0.5, null), Slo.parse("ttft=105")));

        assertThat(view.get("request_rate")).isEqualTo(2.5);
        assertThat(view.get("burstiness")).isEqualTo(0.5);
        assertThat(view.get("max_concurrency")).isNull();
        assertThat(view).doesNotContainKey("mean_client_queue_time_ms");
        assertThat((Double) view.get("request_goodput"))
                .isCloseTo(1 / (Double) view.get("duration"), within(1e-9));
        assertThat(view.get("completed")).isEqualTo(2L);
        assertThat(view.get("total_output_tokens")).isEqualTo(18L);
    }
}
