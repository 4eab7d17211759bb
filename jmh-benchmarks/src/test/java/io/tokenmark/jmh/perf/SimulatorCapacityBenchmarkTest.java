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
    void resultDerivesCostPerEvent() {
        SimulatorCapacityBenchmark.Result result = new SimulatorCapacityBenchmark.Result(
                5000, 100_000, 1_000_000_000L, 500_000_000L, 200_000_000L, 0);

        assertThat(result.eventsPerSecond()).isEqualTo(100_000);
        assertThat(result.simulatorCpuMicrosPerEvent()).isEqualTo(5.0);
        assertThat(result.oneCoreEventsPerSecondEstimate()).isEqualTo(200_000);
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
