package io.tokenmark.jmh.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SimulatorCapacityBenchmarkTest {
    @Test
    void demandedRateIsStreamsOverInterval() {
        SimulatorCapacityBenchmark.Settings settings =
                new SimulatorCapacityBenchmark.Settings(5000, 25, true, 10, 2, 3, 5);

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

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void smallRunKeepsEveryStreamOpen(boolean batching) throws InterruptedException {
        SimulatorCapacityBenchmark.Settings settings =
                new SimulatorCapacityBenchmark.Settings(6, 10, batching, 5, 1, 1, 1);

        SimulatorCapacityBenchmark.Result result = SimulatorCapacityBenchmark.measure(settings);

        assertThat(result.openStreams()).isEqualTo(6);
        assertThat(result.failedConnects()).isZero();
        assertThat(result.events()).isPositive();
        assertThat(result.simulatorCpuNanos()).isPositive();
    }

    @Test
    void unknownEngineIsRejected() {
        assertThatThrownBy(() -> SimulatorCapacityBenchmark.Settings.parse(
                new String[] {"--engine", "fast"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid --engine 'fast'");
    }
}
