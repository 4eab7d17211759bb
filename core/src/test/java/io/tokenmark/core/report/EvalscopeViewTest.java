package io.tokenmark.core.report;

import static io.tokenmark.core.metric.Requests.failure;
import static io.tokenmark.core.metric.Requests.success;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tokenmark.core.client.ErrorKind;
import io.tokenmark.core.metric.LoadDescription;
import io.tokenmark.core.metric.MetricsRecorder;
import io.tokenmark.core.metric.Requests;
import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.metric.SummaryContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The consistency check in the shape of an evalscope summary: from requests with given TTFT,
 * TPOT and token counts, every evalscope key follows evalscope's formula exactly.
 */
class EvalscopeViewTest {
    // Four successful requests at concurrency 2 and one failure; one token per event.
    private static final double[] SEND_MS = {0, 0, 2203, 2303};
    private static final double[] TTFT_MS = {200, 300, 250, 150};
    private static final double[] TPOT_MS = {20, 25, 20, 30};
    private static final int[] OUTPUT = {101, 81, 51, 41};
    private static final int[] INPUT = {1000, 1100, 900, 1000};
    /** The usage chunk and [DONE] arrive 3 ms after the last token. */
    private static final double TAIL_MS = 3;

    private static Summary summary() {
        MetricsRecorder metrics = new MetricsRecorder(Requests.ORIGIN_NANOS);
        for (int i = 0; i < SEND_MS.length; i++) {
            metrics.record(success(i, SEND_MS[i], TTFT_MS[i], TPOT_MS[i], OUTPUT[i], INPUT[i],
                    TAIL_MS).build());
        }
        metrics.record(failure(4, 3456, 3500, ErrorKind.HTTP, 503).build());
        LoadDescription load = LoadDescription.closedLoop(2).withPlannedRequests(5);
        return metrics.summarize(SummaryContext.of(load));
    }

    private static double lastEndMillis() {
        double last = 0;
        for (int i = 0; i < SEND_MS.length; i++) {
            last = Math.max(last, SEND_MS[i] + TTFT_MS[i] + (OUTPUT[i] - 1) * TPOT_MS[i] + TAIL_MS);
        }
        return last;
    }

    @Test
    void keysFollowEvalscopeOrder() {
        assertThat(EvalscopeView.of(summary()).keySet()).containsExactly(
                "Time taken for tests (s)",
                "Number of concurrency",
                "Total requests",
                "Succeed requests",
                "Failed requests",
                "Output token throughput (tok/s)",
                "Total token throughput (tok/s)",
                "Request throughput (req/s)",
                "Average latency (s)",
                "Average time to first token (s)",
                "Average time per output token (s)",
                "Average input tokens per request",
                "Average output tokens per request",
                "Average package latency (s)",
                "Average package per request",
                "Expected number of requests");
    }

    @Test
    void valuesFollowEvalscopeFormulas() {
        Map<String, Object> view = EvalscopeView.of(summary());

        int n = SEND_MS.length;
        double seconds = lastEndMillis() / 1000;   // first send is at 0 ms
        double outputTotal = 0;
        double inputTotal = 0;
        double latencySum = 0;
        double ttftSum = 0;
        double tpotSum = 0;
        double gapTimeSum = 0;
        double gaps = 0;
        for (int i = 0; i < n; i++) {
            outputTotal += OUTPUT[i];
            inputTotal += INPUT[i];
            latencySum += TTFT_MS[i] + TPOT_MS[i] * (OUTPUT[i] - 1);
            ttftSum += TTFT_MS[i];
            tpotSum += TPOT_MS[i];
            gapTimeSum += TPOT_MS[i] * (OUTPUT[i] - 1);
            gaps += OUTPUT[i] - 1;
        }

        assertNumber(view, "Time taken for tests (s)", seconds);
        assertThat(view.get("Number of concurrency")).isEqualTo(2);
        assertThat(view.get("Total requests")).isEqualTo(5L);
        assertThat(view.get("Succeed requests")).isEqualTo(4L);
        assertThat(view.get("Failed requests")).isEqualTo(1L);
        assertNumber(view, "Output token throughput (tok/s)", outputTotal / seconds);
        assertNumber(view, "Total token throughput (tok/s)", (inputTotal + outputTotal) / seconds);
        assertNumber(view, "Request throughput (req/s)", n / seconds);
        assertNumber(view, "Average latency (s)", latencySum / n / 1000);
        assertNumber(view, "Average time to first token (s)", ttftSum / n / 1000);
        assertNumber(view, "Average time per output token (s)", tpotSum / n / 1000);
        assertNumber(view, "Average input tokens per request", inputTotal / n);
        assertNumber(view, "Average output tokens per request", outputTotal / n);
        assertNumber(view, "Average package latency (s)", gapTimeSum / gaps / 1000);
        assertNumber(view, "Average package per request", gaps / n);
        assertThat(view.get("Expected number of requests")).isEqualTo(5L);
    }

    @Test
    void singleTokenRequestAddsZeroTpot() {
        MetricsRecorder metrics = new MetricsRecorder(Requests.ORIGIN_NANOS);
        metrics.record(success(0, 0, 100, 20, 11, 10, 0).build());
        metrics.record(success(1, 0, 100, 20, 1, 10, 0).build());

        Map<String, Object> view = EvalscopeView.of(metrics.summarize(
                SummaryContext.of(LoadDescription.closedLoop(2))));

        // evalscope divides the TPOT sum by every successful request: (20 + 0) / 2 ms.
        assertNumber(view, "Average time per output token (s)", 0.010);
        assertThat(view).doesNotContainKey("Expected number of requests");
    }

    @Test
    void averagesWithoutSuccessAreNaN() {
        MetricsRecorder metrics = new MetricsRecorder(Requests.ORIGIN_NANOS);
        metrics.record(failure(0, 0, 10, ErrorKind.HTTP, 500).build());

        Map<String, Object> view = EvalscopeView.of(metrics.summarize(
                SummaryContext.of(LoadDescription.openLoop(1, 1, null))));

        for (String key : List.of("Average latency (s)", "Average time per output token (s)",
                "Average input tokens per request", "Average package per request")) {
            assertThat((Double) view.get(key)).as(key).isNaN();
        }
        assertThat(view.get("Number of concurrency")).isNull();
    }

    private static void assertNumber(Map<String, Object> view, String key, double expected) {
        assertThat(((Number) view.get(key)).doubleValue()).as(key)
                .isCloseTo(expected, within(Math.abs(expected) * 1e-12));
    }
}
