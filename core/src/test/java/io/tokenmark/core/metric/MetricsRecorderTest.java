package io.tokenmark.core.metric;

import static io.tokenmark.core.metric.Requests.at;
import static io.tokenmark.core.metric.Requests.failure;
import static io.tokenmark.core.metric.Requests.success;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tokenmark.core.client.ErrorKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MetricsRecorderTest {
    private static final SummaryContext C1 = SummaryContext.of(LoadDescription.closedLoop(1));

    private static MetricsRecorder recorder() {
        return new MetricsRecorder(Requests.ORIGIN_NANOS);
    }

    private static MetricsRecorder recorder(String slo) {
        return new MetricsRecorder(Requests.ORIGIN_NANOS, Slo.parse(slo));
    }

    @Test
    void warmupRecordIsIgnored() {
        MetricsRecorder metrics = recorder();
        metrics.record(success(0, 0, 50, 10, 5, 8, 0).warmup(true).build());

        Summary summary = metrics.summarize(C1);

        assertThat(summary.totalRequests()).isZero();
        assertThat(summary.distribution(Metric.TTFT).count()).isZero();
        assertThat(summary.distribution(Metric.SCHEDULE_LAG).count()).isZero();
        assertThat(summary.durationSeconds()).isNaN();
    }

    @Test
    void failedRequestStaysOutOfLatenciesAndTokens() {
        MetricsRecorder metrics = recorder();
        metrics.record(success(0, 0, 50, 10, 5, 8, 0).build());
        // Tokens arrived before the stream broke: the record has a TTFT, the summary ignores it.
        metrics.record(success(1, 0, 20, 10, 3, 8, 0)
                .error(ErrorKind.CONNECTION_RESET, "reset by peer", null).build());

        Summary summary = metrics.summarize(C1);

        assertThat(summary.totalRequests()).isEqualTo(2);
        assertThat(summary.succeededRequests()).isEqualTo(1);
        assertThat(summary.failuresByError()).containsExactly(Map.entry("connection_reset", 1L));
        assertThat(summary.distribution(Metric.TTFT).count()).isEqualTo(1);
        assertThat(summary.stats(Metric.TTFT).mean()).isCloseTo(50.0, within(1e-9));
        assertThat(summary.distribution(Metric.ICL).count()).isEqualTo(4);
        assertThat(summary.outputTokens()).isEqualTo(5);
        assertThat(summary.inputTokens()).isEqualTo(8);
    }

    @Test
    void durationIncludesFailedRequest() {
        MetricsRecorder metrics = recorder();
        metrics.record(success(0, 100, 50, 10, 5, 8, 0).build());   // ends at 190 ms
        metrics.record(failure(1, 40, 1_040, ErrorKind.READ_TIMEOUT, 0).build());

        Summary summary = metrics.summarize(C1);

        assertThat(summary.windowStartMillis()).isCloseTo(40.0, within(1e-9));
        assertThat(summary.windowEndMillis()).isCloseTo(1_040.0, within(1e-9));
        assertThat(summary.durationSeconds()).isCloseTo(1.0, within(1e-12));
        assertThat(summary.requestThroughput()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void throughputsDivideSuccessfulTokensByDuration() {
        MetricsRecorder metrics = recorder();
        // Two requests over 0..2000 ms: 100 and 300 output tokens, 50 and 150 input tokens.
        metrics.record(success(0, 0, 100, 10, 100, 50, 0).build());
        metrics.record(success(1, 500, 100, 4.0, 300, 150, 204).build());

        Summary summary = metrics.summarize(C1);

        double seconds = summary.durationSeconds();
        assertThat(seconds).isCloseTo(2.0, within(1e-9));
        assertThat(summary.requestThroughput()).isCloseTo(2 / seconds, within(1e-12));
        assertThat(summary.outputTokenThroughput()).isCloseTo(400 / seconds, within(1e-9));
        assertThat(summary.totalTokenThroughput()).isCloseTo(600 / seconds, within(1e-9));
        assertThat(summary.stats(Metric.OUTPUT_TOKENS).mean()).isEqualTo(200.0);
        assertThat(summary.stats(Metric.INPUT_TOKENS).max()).isEqualTo(150.0);
    }

    @Test
    void goodputCountsRequestsMeetingEverySlo() {
        MetricsRecorder metrics = recorder("ttft=100,tpot=20");
        metrics.record(success(0, 0, 50, 10, 11, 8, 0).build());    // meets both
        metrics.record(success(1, 0, 150, 10, 11, 8, 0).build());   // TTFT too slow
        metrics.record(success(2, 0, 50, 30, 11, 8, 0).build());    // TPOT too slow
        metrics.record(failure(3, 0, 1_000, ErrorKind.HTTP, 503).build());

        Summary summary = metrics.summarize(C1);

        assertThat(summary.sloMet()).isEqualTo(1);
        assertThat(summary.goodput()).isCloseTo(1 / summary.durationSeconds(), within(1e-12));
        assertThat(summary.sloAttainment()).isEqualTo(0.25);
        assertThat(summary.sloAttainment(Metric.TTFT)).isEqualTo(0.5);
        assertThat(summary.sloAttainment(Metric.TPOT)).isEqualTo(0.5);
        assertThat(summary.sloAttainment(Metric.ITL)).isNaN();
    }

    @Test
    void goodputIsNaNWithoutSlo() {
        MetricsRecorder metrics = recorder();
        metrics.record(success(0, 0, 50, 10, 11, 8, 0).build());

        Summary summary = metrics.summarize(C1);

        assertThat(summary.goodput()).isNaN();
        assertThat(summary.sloAttainment()).isNaN();
    }

    @Test
    void sloLimitIsInclusive() {
        MetricsRecorder metrics = recorder("ttft=100,e2el=200");
        metrics.record(success(0, 0, 100, 10, 11, 8, 0).build());   // TTFT 100, E2EL 200

        assertThat(metrics.summarize(C1).sloMet()).isEqualTo(1);
    }

    @Test
    void tpotSloPassesSingleTokenRequest() {
        MetricsRecorder metrics = recorder("tpot=1");
        metrics.record(success(0, 0, 100, 10, 1, 8, 0).build());

        Summary summary = metrics.summarize(C1);

        assertThat(summary.distribution(Metric.TPOT).count()).isZero();
        assertThat(summary.sloMet()).isEqualTo(1);
    }

    @Test
    void itlSloJudgesLargestPerTokenSample() {
        MetricsRecorder metrics = recorder("itl=25");
        // Request 0: one 60 ms gap carries 3 tokens, 20 ms per token, within 25 ms.
        metrics.record(success(0, 0, 10, 60, 2, 8, 0)
                .tokensPerEvent(new int[] {1, 3}, TokenCountSource.USAGE)
                .outputTokens(4, TokenCountSource.USAGE).build());
        // Request 1: gaps of 10 ms and one stall of 50 ms.
        long[] events = {at(10), at(20), at(70), at(80)};
        metrics.record(success(1, 0, 10, 10, 4, 8, 0).tokenEventNanos(events)
                .lastTokenNanos(at(80)).endNanos(at(80)).build());

        Summary summary = metrics.summarize(C1);

        assertThat(summary.sloMet()).isEqualTo(1);
        assertThat(summary.stats(Metric.ITL).max()).isCloseTo(50.0, within(1e-9));
        assertThat(summary.distribution(Metric.ITL).count()).isEqualTo(3 + 3);
    }

    @Test
    void e2elSloMissesRequestWithoutTokens() {
        MetricsRecorder metrics = recorder("e2el=1000");
        metrics.record(success(0, 0, 30, 10, 0, 8, 0).build());

        Summary summary = metrics.summarize(C1);

        assertThat(summary.succeededRequests()).isEqualTo(1);
        assertThat(summary.distribution(Metric.E2EL).count()).isZero();
        assertThat(summary.distribution(Metric.STREAM_TIME).count()).isEqualTo(1);
        assertThat(summary.sloMet()).isZero();
    }

    @Test
    void scheduleLagIncludesFailedRequests() {
        MetricsRecorder metrics = recorder();
        metrics.record(success(0, 0, 50, 10, 5, 8, 0).scheduledNanos(at(-2)).build());
        metrics.record(failure(1, 10, 20, ErrorKind.HTTP, 429).scheduledNanos(at(6)).build());

        DistributionStats lag = metrics.summarize(C1).stats(Metric.SCHEDULE_LAG);

        assertThat(lag.count()).isEqualTo(2);
        assertThat(lag.mean()).isCloseTo(3.0, within(1e-9));
    }

    @Test
    void negativeScheduleLagCountsAsZero() {
        MetricsRecorder metrics = recorder();
        metrics.record(success(0, 0, 50, 10, 5, 8, 0).scheduledNanos(at(1)).build());

        DistributionStats lag = metrics.summarize(C1).stats(Metric.SCHEDULE_LAG);

        assertThat(lag.max()).isZero();
    }

    @Test
    void lagBelowLimitIsNotClientBound() {
        MetricsRecorder metrics = recorder();
        metrics.record(success(0, 0, 50, 10, 5, 8, 0).scheduledNanos(at(-9.9)).build());

        Summary summary = metrics.summarize(C1);

        assertThat(summary.clientHealth().clientBound()).isFalse();
        assertThat(summary.clientHealth().clientBoundReasons()).isEmpty();
    }

    @Test
    void busyShareAboveLimitIsClientBound() {
        MetricsRecorder metrics = recorder();
        metrics.record(success(0, 0, 50, 10, 5, 8, 0).build());

        Summary summary = metrics.summarize(C1.withEventLoopBusyShare(0.93));

        assertThat(summary.clientHealth().clientBound()).isTrue();
        assertThat(summary.clientHealth().clientBoundReasons()).containsExactly(
                "event-loop busy share 0.93 exceeds 0.80: reads waited in the client, which"
                        + " inflates TTFT and ITL");
        assertThat(summary.caveats()).contains("Client-bound: event-loop busy share 0.93"
                + " exceeds 0.80: reads waited in the client, which inflates TTFT and ITL.");
    }

    @Test
    void busyShareAtLimitIsNotClientBound() {
        MetricsRecorder metrics = recorder();
        metrics.record(success(0, 0, 50, 10, 5, 8, 0).build());

        Summary summary = metrics.summarize(
                C1.withEventLoopBusyShare(ClientHealth.EVENT_LOOP_BUSY_SHARE_LIMIT));

        assertThat(summary.clientHealth().clientBound()).isFalse();
        assertThat(summary.clientHealth().eventLoopBusyShare()).isEqualTo(0.8);
    }

    @Test
    void achievedRateUsesGapsBetweenSends() {
        MetricsRecorder metrics = recorder();
        for (int i = 0; i < 5; i++) {
            metrics.record(success(i, i * 250.0, 50, 10, 5, 8, 0).build());
        }

        Summary summary = metrics.summarize(
                SummaryContext.of(LoadDescription.openLoop(4, 1, null)));

        // Five sends over one second: four gaps of 250 ms.
        assertThat(summary.clientHealth().achievedRatePerSecond()).isCloseTo(4.0, within(1e-9));
        assertThat(summary.clientHealth().requestedRatePerSecond()).isEqualTo(4.0);
    }

    @Test
    void peakConcurrencyCountsOverlappingRequests() {
        MetricsRecorder metrics = recorder();
        // In flight: [0, 100), [50, 150), [100, 200): at most two at once.
        metrics.record(success(0, 0, 50, 10, 6, 8, 0).build());
        metrics.record(success(1, 50, 50, 10, 6, 8, 0).build());
        metrics.record(success(2, 100, 50, 10, 6, 8, 0).build());
        metrics.record(failure(3, 0, 500, ErrorKind.READ_TIMEOUT, 0).build());

        assertThat(metrics.summarize(C1).peakConcurrentRequests()).isEqualTo(2);
    }

    @Test
    void peakOutputTokensPerSecondTakesBusiestSecond() {
        MetricsRecorder metrics = recorder();
        // Request 0: 30 tokens within its first second. Request 1: 10 tokens in the second one.
        metrics.record(success(0, 0, 100, 20, 30, 8, 0).build());
        metrics.record(success(1, 1_200, 100, 50, 10, 8, 0).build());

        assertThat(metrics.summarize(C1).peakOutputTokensPerSecond()).isEqualTo(30.0);
    }

    @Test
    void tokenSourcesAreCountedWithCaveats() {
        MetricsRecorder metrics = recorder();
        metrics.record(success(0, 0, 50, 10, 5, 8, 0)
                .outputTokens(5, TokenCountSource.EVENT_COUNT)
                .inputTokens(-1, TokenCountSource.UNKNOWN).build());
        metrics.record(success(1, 0, 50, 10, 5, 8, 0).build());

        Summary summary = metrics.summarize(C1);

        assertThat(summary.outputTokenSources()).containsOnly(
                Map.entry(TokenCountSource.EVENT_COUNT, 1L), Map.entry(TokenCountSource.USAGE, 1L));
        assertThat(summary.inputTokensUnknown()).isEqualTo(1);
        assertThat(summary.inputTokens()).isEqualTo(8);
        assertThat(summary.caveats()).anyMatch(c -> c.startsWith(
                "The server reported no output token count for 1 requests"));
        assertThat(summary.caveats()).anyMatch(c -> c.startsWith(
                "Input tokens of 1 requests are unknown"));
    }

    @Test
    void caveatsDescribeThePoint() {
        MetricsRecorder metrics = recorder();
        metrics.record(success(0, 0, 50, 10, 5, 8, 0).build());
        metrics.record(failure(1, 0, 20, ErrorKind.HTTP, 503).build());

        Summary summary = metrics.summarize(
                C1.withTargetSharesHost(true).withComplete(false));

        assertThat(summary.complete()).isFalse();
        assertThat(summary.caveats()).startsWith(Caveats.MEASURED_AT_CLIENT);
        assertThat(summary.caveats()).anyMatch(c -> c.startsWith("The server ran on the client's"
                + " host"));
        assertThat(summary.caveats()).anyMatch(c -> c.startsWith("The point was stopped"));
        assertThat(summary.caveats()).anyMatch(c -> c.startsWith("Only 1 requests succeeded"));
        assertThat(summary.caveats()).anyMatch(c -> c.startsWith("1 of 2 requests failed"
                + " (http_503: 1)"));
    }

    @Test
    void thousandRequestsNeedNoSampleSizeCaveat() {
        MetricsRecorder metrics = recorder();
        for (int i = 0; i < Caveats.MIN_REQUESTS_FOR_P999; i++) {
            metrics.record(success(i, i, 5, 1, 2, 8, 0).build());
        }

        assertThat(metrics.summarize(C1).caveats()).containsExactly(Caveats.MEASURED_AT_CLIENT);
    }

    @Test
    void emptyRecorderSummarizesToNaN() {
        Summary summary = recorder().summarize(C1);

        assertThat(summary.totalRequests()).isZero();
        assertThat(summary.durationSeconds()).isNaN();
        assertThat(summary.requestThroughput()).isNaN();
        assertThat(summary.peakOutputTokensPerSecond()).isNaN();
        assertThat(summary.peakConcurrentRequests()).isZero();
        assertThat(summary.caveats()).contains(
                "No request succeeded, so there are no latency or throughput figures.");
    }

    @Test
    void summaryIsNotChangedByLaterRecords() {
        MetricsRecorder metrics = recorder();
        metrics.record(success(0, 0, 50, 10, 5, 8, 0).build());
        Summary first = metrics.summarize(C1);

        metrics.record(success(1, 0, 70, 10, 5, 8, 0).build());

        assertThat(first.totalRequests()).isEqualTo(1);
        assertThat(first.distribution(Metric.TTFT).count()).isEqualTo(1);
        assertThat(metrics.summarize(C1).totalRequests()).isEqualTo(2);
    }

    @Test
    void concurrentRecordsAreAllCounted() throws Exception {
        MetricsRecorder metrics = recorder();
        int threads = 8;
        int perThread = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    long id = (long) thread * perThread + i;
                    if (i % 10 == 0) {
                        metrics.record(failure(id, i, i + 5, ErrorKind.HTTP, 503).build());
                    } else {
                        metrics.record(success(id, i, 20, 5, 11, 8, 0).build());
                    }
                    if (i % 100 == 0) {
                        metrics.summarize(C1);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> future : done) {
            future.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        Summary summary = metrics.summarize(C1);
        long total = (long) threads * perThread;
        long failed = total / 10;
        assertThat(summary.totalRequests()).isEqualTo(total);
        assertThat(summary.failuresByError()).containsExactly(Map.entry("http_503", failed));
        assertThat(summary.distribution(Metric.ITL).count()).isEqualTo((total - failed) * 10);
        assertThat(summary.outputTokens()).isEqualTo((total - failed) * 11);
        assertThat(metrics.totalRequests()).isEqualTo(total);
        assertThat(metrics.failedRequests()).isEqualTo(failed);
    }
}
