package io.tokenmark.jmh.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.core.metric.LoadDescription;
import io.tokenmark.jmh.testing.SimulatedRuns;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Comparisons of real runs: {@link SimulatedRuns#fast()} is five times as fast as
 * {@link SimulatedRuns#slow()} (10 ms to the first token instead of 50), so it must win every
 * latency and throughput by more than the noise, even on a loaded machine.
 */
class RunComparisonTest {
    private static RunData fast;
    private static RunData slow;
    private static RunData middle;

    @BeforeAll
    static void writeRuns() {
        fast = SimulatedRuns.fast();
        slow = SimulatedRuns.slow();
        middle = SimulatedRuns.middle();
    }

    @Test
    void fasterRunWinsLatenciesBeyondNoise() {
        RunComparison comparison = RunComparison.of(List.of(slow, fast));

        for (String point : List.of("c1", "c4")) {
            for (ComparedMetric metric : List.of(ComparedMetric.TTFT_MEAN,
                    ComparedMetric.TPOT_MEAN, ComparedMetric.E2EL_MEAN)) {
                RunComparison.Row row = comparison.point(point).row(metric);
                assertThat(row.best()).as("%s %s", point, metric).isEqualTo(1);
                assertThat(row.verdict()).as("%s %s", point, metric)
                        .isEqualTo(RunComparison.Verdict.BEYOND_NOISE);
                assertThat(row.betterBy()).as("%s %s", point, metric).isGreaterThan(0.3);
            }
        }
    }

    @Test
    void fasterRunWinsThroughputBeyondNoise() {
        RunComparison comparison = RunComparison.of(List.of(slow, fast));

        RunComparison.Row row = comparison.point("c4").row(ComparedMetric.OUTPUT_THROUGHPUT);

        assertThat(row.best()).isEqualTo(1);
        assertThat(row.verdict()).isEqualTo(RunComparison.Verdict.BEYOND_NOISE);
        assertThat(row.pValue()).isLessThan(WelchTest.ALPHA);
    }

    @Test
    void percentileRowsAreNotTested() {
        RunComparison comparison = RunComparison.of(List.of(slow, fast));

        RunComparison.Row row = comparison.point("c1").row(ComparedMetric.TTFT_P99);

        assertThat(row.best()).isNotEqualTo(-1);
        assertThat(row.verdict()).isEqualTo(RunComparison.Verdict.NOT_TESTED);
        assertThat(row.pValue()).isNaN();
    }

    @Test
    void identicalRunsAreWithinNoiseOrTied() {
        RunComparison comparison = RunComparison.of(List.of(slow, slow));

        RunComparison.Row row = comparison.point("c4").row(ComparedMetric.TTFT_MEAN);

        assertThat(row.best()).isEqualTo(-1);
        assertThat(row.verdict()).isEqualTo(RunComparison.Verdict.WITHIN_NOISE);
    }

    @Test
    void pointsAreOrderedByLoadAcrossRuns() {
        RunComparison comparison = RunComparison.of(List.of(middle, fast));

        assertThat(comparison.points()).extracting(RunComparison.Point::label)
                .containsExactly("c1", "c2", "c4");
    }

    @Test
    void runWithoutPointHasNoValueThere() {
        RunComparison comparison = RunComparison.of(List.of(middle, fast));

        RunComparison.Point point = comparison.point("c2");
        RunComparison.Row row = point.row(ComparedMetric.TTFT_MEAN);

        assertThat(point.summaries().get(1)).isNull();
        assertThat(row.values().get(1)).isNaN();
        assertThat(row.best()).isEqualTo(-1);
        assertThat(row.verdict()).isEqualTo(RunComparison.Verdict.NOT_TESTED);
    }

    @Test
    void repeatedLabelsGetNumberSuffix() {
        assertThat(RunComparison.of(List.of(slow, fast, slow)).labels())
                .containsExactly("slow", "fast", "slow#2");
    }

    @Test
    void loadOrderSortsClosedLoopsFirst() {
        List<LoadDescription> loads = new ArrayList<>(List.of(
                LoadDescription.openLoop(Double.POSITIVE_INFINITY, 1, 8),
                LoadDescription.openLoop(2.5, 1, null),
                LoadDescription.closedLoop(16),
                LoadDescription.openLoop(Double.POSITIVE_INFINITY, 1, 2),
                LoadDescription.closedLoop(2)));

        loads.sort(RunComparison.LOAD_ORDER);

        assertThat(loads).extracting(LoadDescription::label)
                .containsExactly("c2", "c16", "r2.5", "rinf-c2", "rinf-c8");
    }
}
