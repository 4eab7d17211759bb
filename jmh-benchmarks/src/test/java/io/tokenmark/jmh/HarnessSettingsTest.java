package io.tokenmark.jmh;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmark.core.workload.FixedPromptWorkload;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Mode;

class HarnessSettingsTest {
    private static HarnessOptions.Builder options() {
        return HarnessOptions.builder()
                .target(Target.simulator("fixed"))
                .workload(new FixedPromptWorkload("Hello", 4))
                .closedLoop(2);
    }

    @Test
    void steadyStateRejectsSingleShotTime() {
        assertThatThrownBy(() -> new FixedTimingSteadyBenchmark()
                .checkSettings(TestParams.of(Mode.SingleShotTime), options().build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SingleShotTime")
                .hasMessageContaining("FixedCountBenchmark");
    }

    @Test
    void steadyStateRejectsRequestsPerIteration() {
        assertThatThrownBy(() -> new FixedTimingSteadyBenchmark()
                .checkSettings(TestParams.of(Mode.Throughput),
                        options().requestsPerIteration(10).build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("requestsPerIteration (10)")
                .hasMessageContaining("remove it");
    }

    @Test
    void steadyStateRejectsInfiniteRate() {
        assertThatThrownBy(() -> new FixedTimingSteadyBenchmark()
                .checkSettings(TestParams.of(Mode.Throughput),
                        options().openLoop(Double.POSITIVE_INFINITY).build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("infinity")
                .hasMessageContaining("finite request rate");
    }

    @Test
    void fixedCountRejectsThroughputMode() {
        assertThatThrownBy(() -> new FixedTimingBatchBenchmark()
                .checkSettings(TestParams.of(Mode.Throughput),
                        options().requestsPerIteration(10).build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Throughput")
                .hasMessageContaining("SingleShotTime");
    }

    @Test
    void fixedCountRejectsBatchSizeAboveOne() {
        assertThatThrownBy(() -> new FixedTimingBatchBenchmark()
                .checkSettings(TestParams.of(Mode.SingleShotTime, 1, 1, 5),
                        options().requestsPerIteration(10).build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("batch size of 1, not 5");
    }

    @Test
    void fixedCountRejectsSeveralThreads() {
        assertThatThrownBy(() -> new FixedTimingBatchBenchmark()
                .checkSettings(TestParams.of(Mode.SingleShotTime, 1, 4, 1),
                        options().requestsPerIteration(10).build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("one JMH thread, not 4");
    }

    @Test
    void fixedCountRequiresRequestsPerIteration() {
        assertThatThrownBy(() -> new FixedTimingBatchBenchmark()
                .checkSettings(TestParams.of(Mode.SingleShotTime), options().build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("requestsPerIteration");
    }
}
