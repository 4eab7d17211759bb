package io.tokenmark.jmh.perf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ThroughputCeilingBenchmarkTest {
    @Test
    void levelDerivesRateAndCpuPerThousandEvents() {
        ThroughputCeilingBenchmark.Level level = new ThroughputCeilingBenchmark.Level(10,
                300_000, 2_000_000_000L, 600_000_000L, 1_000_000_000L, 1_800_000_000L, 0.3, 0);

        assertThat(level.eventsPerSecond()).isEqualTo(150_000);
        assertThat(level.clientIoCpuMicrosPer1000()).isEqualTo(2_000);
        assertThat(level.processMinusSimulatorMicrosPer1000()).isEqualTo(2_666.6666, within());
        assertThat(level.simulatorCpuShare()).isEqualTo(0.5);
        assertThat(level.oneThreadEventsPerSecondEstimate()).isEqualTo(500_000);
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(0.001);
    }

    @Test
    void bestRateIsJudgedAgainstTarget() {
        FigureTable table = ThroughputCeilingBenchmark.figures(List.of(
                new ThroughputCeilingBenchmark.Level(10, 300_000, 1_000_000_000L, 1, 1, 1, 0, 0),
                new ThroughputCeilingBenchmark.Level(20, 100_000, 1_000_000_000L, 1, 1, 1, 0, 0)));

        Figure best = table.figures().get(table.figures().size() - 1);
        assertThat(best.value()).isEqualTo(300_000);
        assertThat(best.verdict()).isEqualTo("PASS");
    }

    @Test
    void smallRunIngestsEventsWithoutFailures() throws InterruptedException {
        ThroughputCeilingBenchmark.Settings settings =
                new ThroughputCeilingBenchmark.Settings(List.of(4), 50, 1, 1, 1);

        ThroughputCeilingBenchmark.Level level = ThroughputCeilingBenchmark.measure(settings, 4);

        assertThat(level.events()).isPositive();
        assertThat(level.failedRequests()).isZero();
        assertThat(level.clientIoCpuNanos()).isPositive();
        assertThat(level.simulatorCpuNanos()).isPositive();
    }
}
