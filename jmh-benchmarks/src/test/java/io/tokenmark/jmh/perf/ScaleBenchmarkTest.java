package io.tokenmark.jmh.perf;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.core.metric.Metric;
import io.tokenmark.core.sampler.PointOutcome;
import org.junit.jupiter.api.Test;

class ScaleBenchmarkTest {
    @Test
    void smallRunCountsStreamsAndLag() throws Exception {
        ScaleBenchmark.Settings settings = new ScaleBenchmark.Settings(100, 30, 20, 5, 20, 10, 1);

        ScaleBenchmark.Result result = ScaleBenchmark.measure(settings);

        assertThat(result.outcome()).isEqualTo(PointOutcome.COMPLETED);
        assertThat(result.failedRequests()).isZero();
        assertThat(result.summary().totalRequests()).isEqualTo(30);
        assertThat(result.summary().stats(Metric.SCHEDULE_LAG).count()).isEqualTo(30);
        assertThat(result.rampLagNanos().count()).isEqualTo(20);
        assertThat(result.peakStreams()).isBetween(1L, 50L);
        assertThat(result.heapLimitBytes()).isEqualTo(Runtime.getRuntime().maxMemory());
    }

    @Test
    void streamLengthIsFirstTokenPlusGaps() {
        ScaleBenchmark.Settings settings = new ScaleBenchmark.Settings(1000, 6000, 11_000, 45,
                250, 50, 1);

        assertThat(settings.streamSeconds()).isEqualTo(11.05);
    }
}
