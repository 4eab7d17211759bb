package io.tokenmark.jmh.perf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SimulatorCapacityBenchmarkTest {
    @Test
    void demandedRateIsStreamsOverInterval() {
        SimulatorCapacityBenchmark.Settings settings =
                new SimulatorCapacityBenchmark.Settings(5000, 25, 10, 2, 3, 5);

        assertThat(settings.demandedEventsPerSecond()).isEqualTo(200_000);
        assertThat(settings.tokensPerRequest()).isEqualTo(810);
    }

    @Test
    void smallRunKeepsEveryStreamOpen() throws InterruptedException {
        SimulatorCapacityBenchmark.Settings settings =
                new SimulatorCapacityBenchmark.Settings(6, 10, 5, 1, 1, 1);

        SimulatorCapacityBenchmark.Result result = SimulatorCapacityBenchmark.measure(settings);

        assertThat(result.openStreams()).isEqualTo(6);
        assertThat(result.failedConnects()).isZero();
        assertThat(result.events()).isPositive();
        assertThat(result.simulatorCpuNanos()).isPositive();
    }
}
