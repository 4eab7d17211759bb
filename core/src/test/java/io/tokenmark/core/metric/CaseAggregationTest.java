package io.tokenmark.core.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hand-derived summary figures for four recorded cases: per-token ITL from cumulative usage
 * (B05), E2EL without the usage chunk (B10), latencies without failed requests (B22) and
 * schedule lag (B27). The records come from the case files' segment times; the expected numbers come
 * from the files' {@code expected} values and from arithmetic stated beside each check.
 */
class CaseAggregationTest {
    private static final double TOLERANCE = 1e-3;

    private static Summary summarize(RecordedCase recorded, LoadDescription load) {
        MetricsRecorder metrics = new MetricsRecorder(CaseReplay.ORIGIN_NANOS);
        List<RecordedCase.Response> responses = recorded.responses();
        for (int i = 0; i < responses.size(); i++) {
            metrics.record(CaseReplay.replay(responses.get(i), i));
        }
        return metrics.summarize(SummaryContext.of(load));
    }

    @Test
    void b05ItlSplitsEachGapByItsTokens() {
        RecordedCase b05 = RecordedCase.byId("B05");
        JsonNode expected = b05.expected();
        Summary summary = summarize(b05, LoadDescription.closedLoop(1));

        // 12 output tokens; the first arrives with TTFT, so 11 tokens have an ITL sample.
        int outputTokens = expected.get("output_tokens").asInt();
        assertThat(summary.distribution(Metric.ITL).count()).isEqualTo(outputTokens - 1);
        // Gaps of 20 ms carry 4, 3 and 4 tokens: samples of 5, 6.6667 and 5 ms.
        assertThat(summary.stats(Metric.ITL).min()).isCloseTo(5.0, within(TOLERANCE));
        assertThat(summary.stats(Metric.ITL).max()).isCloseTo(20.0 / 3, within(TOLERANCE));
        // The per-token samples add up to E2EL − TTFT, so their mean is the TPOT: 60 / 11.
        double tpot = expected.get("tpot_ms").asDouble();
        assertThat(summary.stats(Metric.ITL).mean()).isCloseTo(tpot, within(TOLERANCE));
        assertThat(summary.stats(Metric.TPOT).mean()).isCloseTo(tpot, within(TOLERANCE));
        // ICL keeps one sample per gap.
        assertThat(summary.distribution(Metric.ICL).count()).isEqualTo(3);
        assertThat(summary.stats(Metric.ICL).mean()).isCloseTo(20.0, within(TOLERANCE));
    }

    @Test
    void b10UsageChunkIsOutsideE2el() {
        RecordedCase b10 = RecordedCase.byId("B10");
        JsonNode expected = b10.expected();
        Summary summary = summarize(b10, LoadDescription.closedLoop(1));

        assertThat(summary.stats(Metric.E2EL).mean())
                .isCloseTo(expected.get("e2e_ms").asDouble(), within(TOLERANCE));
        assertThat(summary.stats(Metric.STREAM_TIME).mean())
                .isCloseTo(expected.get("stream_closed_ms").asDouble(), within(TOLERANCE));
        assertThat(summary.stats(Metric.E2EL).mean())
                .isLessThan(summary.stats(Metric.STREAM_TIME).mean());
        assertThat(summary.stats(Metric.TPOT).mean())
                .isCloseTo(expected.get("tpot_ms").asDouble(), within(TOLERANCE));
    }

    @Test
    void b22FailuresStayOutOfLatencies() {
        RecordedCase b22 = RecordedCase.byId("B22");
        JsonNode aggregate = b22.expected().get("aggregate");
        Summary summary = summarize(b22, LoadDescription.closedLoop(3));

        assertThat(summary.succeededRequests()).isEqualTo(aggregate.get("successful").asLong());
        assertThat(summary.failuresByError()).containsExactly(Map.entry("http_500", 1L));
        assertThat(summary.stats(Metric.TTFT).mean())
                .isCloseTo(aggregate.get("mean_ttft_ms").asDouble(), within(TOLERANCE));
        assertThat(summary.distribution(Metric.TTFT).count()).isEqualTo(2);
        assertThat(summary.distribution(Metric.ICL).count()).isEqualTo(4);
        assertThat(summary.stats(Metric.ICL).min()).isCloseTo(20.0, within(TOLERANCE));
        assertThat(summary.stats(Metric.ICL).max()).isCloseTo(20.0, within(TOLERANCE));
        assertThat(summary.outputTokens())
                .isEqualTo(aggregate.get("output_tokens_successful").asLong());
    }

    @Test
    void b22DurationIncludesTheFailedRequest() {
        Summary summary = summarize(RecordedCase.byId("B22"), LoadDescription.closedLoop(3));

        // All three start at 0 ms; the HTTP 500 response arrives at 30,000 ms, the others end
        // by 160 ms. D spans the failure, so 2 successes over 30 s is 1/15 req/s.
        assertThat(summary.durationSeconds()).isCloseTo(30.0, within(1e-9));
        assertThat(summary.requestThroughput()).isCloseTo(2 / 30.0, within(1e-9));
        assertThat(summary.outputTokenThroughput()).isCloseTo(6 / 30.0, within(1e-9));
    }

    @Test
    void b27ScheduleLagPerRequest() {
        RecordedCase b27 = RecordedCase.byId("B27");
        JsonNode aggregate = b27.expected().get("aggregate");
        Summary summary = summarize(b27, LoadDescription.openLoop(10, 1, 1));

        List<Double> lags = new ArrayList<>();
        for (RecordedCase.Response response : b27.responses()) {
            lags.add(CaseReplay.replay(response, 0).scheduleLagNanos() / 1e6);
        }
        RecordedCaseMetricsTest.assertCloseTo("queue_ms", lags,
                RecordedCaseMetricsTest.doubles(aggregate.get("queue_ms")));

        DistributionStats lag = summary.stats(Metric.SCHEDULE_LAG);
        assertThat(lag.count()).isEqualTo(4);
        assertThat(lag.mean()).isCloseTo(aggregate.get("mean_queue_ms").asDouble(), within(TOLERANCE));
        assertThat(lag.min()).isCloseTo(0.0, within(TOLERANCE));
        assertThat(lag.max()).isCloseTo(1200.0, within(TOLERANCE));
        // Nearest rank: the median of four samples is the 2nd, 400 ms.
        assertThat(lag.p50()).isCloseTo(400.0, within(400 * 1e-3));
        // The TTFT the server caused stays at 500 ms; the lag is reported beside it.
        assertThat(summary.stats(Metric.TTFT).mean()).isCloseTo(500.0, within(TOLERANCE));
    }

    @Test
    void b27LagFlagsThePointClientBound() {
        Summary summary = summarize(RecordedCase.byId("B27"), LoadDescription.openLoop(10, 1, 1));

        assertThat(summary.clientHealth().clientBound()).isTrue();
        assertThat(summary.clientHealth().clientBoundReasons()).singleElement()
                .asString().startsWith("schedule lag p99 1200.0 ms exceeds 10 ms");
        // Four sends 500 ms apart: 3 gaps over 1.5 s is 2 requests per second, of 10 requested.
        assertThat(summary.clientHealth().achievedRatePerSecond()).isCloseTo(2.0, within(1e-9));
        assertThat(summary.clientHealth().requestedRatePerSecond()).isEqualTo(10.0);
    }
}
