package io.tokenmark.jmh.results;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.core.metric.LoadDescription;
import io.tokenmark.core.metric.MetricsRecorder;
import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.metric.Slo;
import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.metric.SummaryContext;
import io.tokenmark.core.metric.TokenCountSource;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.Result;

class SummaryResultsTest {
    private static final long MS = 1_000_000;

    /** Returns a request sent at {@code sendMs} with TTFT 50 ms and two more tokens 10 ms apart. */
    private static RequestRecord request(long id, long sendMs) {
        long send = sendMs * MS;
        return RequestRecord.builder()
                .requestId(id)
                .scheduledNanos(send)
                .dispatchNanos(send)
                .sendNanos(send)
                .firstTokenNanos(send + 50 * MS)
                .firstAnswerNanos(send + 50 * MS)
                .lastTokenNanos(send + 70 * MS)
                .tokenEventNanos(new long[] {send + 50 * MS, send + 60 * MS, send + 70 * MS})
                .endNanos(send + 71 * MS)
                .inputTokens(100, TokenCountSource.USAGE)
                .outputTokens(3, TokenCountSource.USAGE)
                .build();
    }

    private static Summary summary(Slo slo) {
        MetricsRecorder recorder = new MetricsRecorder(0, slo);
        recorder.record(request(0, 0));
        recorder.record(request(1, 929));
        return recorder.summarize(SummaryContext.of(LoadDescription.closedLoop(1)));
    }

    private static Map<String, Result<?>> byLabel(List<Result<?>> results) {
        return results.stream().collect(Collectors.toMap(Result::getLabel, Function.identity()));
    }

    @Test
    void latencyResultsHaveMillisecondMeans() {
        Map<String, Result<?>> results = byLabel(SummaryResults.of(summary(Slo.none())));

        assertThat(results.get("ttft").getScore()).isEqualTo(50.0);
        assertThat(results.get("tpot").getScore()).isEqualTo(10.0);
        assertThat(results.get("e2el").getScore()).isEqualTo(70.0);
        assertThat(results.get("ttft").getScoreUnit()).isEqualTo("ms");
    }

    @Test
    void throughputsDivideByDuration() {
        // Two requests from the first send (0 ms) to the last end (1000 ms): D = 1 s.
        Map<String, Result<?>> results = byLabel(SummaryResults.of(summary(Slo.none())));

        assertThat(results.get(SummaryResults.REQUEST_THROUGHPUT).getScore()).isEqualTo(2.0);
        assertThat(results.get(SummaryResults.OUTPUT_THROUGHPUT).getScore()).isEqualTo(6.0);
        assertThat(results.get(SummaryResults.TOTAL_TOKEN_THROUGHPUT).getScore()).isEqualTo(206.0);
        assertThat(results.get(SummaryResults.SUCCEEDED).getScore()).isEqualTo(2.0);
        assertThat(results.get(SummaryResults.FAILED).getScore()).isEqualTo(0.0);
    }

    @Test
    void goodputOnlyWithSlo() {
        assertThat(byLabel(SummaryResults.of(summary(Slo.none()))))
                .doesNotContainKey(SummaryResults.GOODPUT);
        assertThat(byLabel(SummaryResults.of(summary(Slo.parse("ttft=40"))))
                .get(SummaryResults.GOODPUT).getScore()).isEqualTo(0.0);
        assertThat(byLabel(SummaryResults.of(summary(Slo.parse("ttft=60"))))
                .get(SummaryResults.GOODPUT).getScore()).isEqualTo(2.0);
    }

    @Test
    void onlyLatencyMetricsHaveDerivedPercentiles() {
        Map<String, Result<?>> results = byLabel(SummaryResults.of(summary(Slo.none())));

        assertThat(((DistributionResult) results.get("itl")).getDerivativeResults()).hasSize(3);
        assertThat(((DistributionResult) results.get("output_tokens")).getDerivativeResults()).isEmpty();
    }
}
