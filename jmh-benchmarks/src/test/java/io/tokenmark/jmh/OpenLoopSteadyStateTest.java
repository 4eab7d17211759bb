package io.tokenmark.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tokenmark.core.metric.LoadDescription;
import io.tokenmark.core.metric.Metric;
import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.report.OutputLayout;
import io.tokenmark.core.report.SummaryReader;
import io.tokenmark.jmh.results.SummaryResults;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;

/**
 * Runs {@link FixedTimingSteadyBenchmark} as an open loop of 20 requests per second (Poisson
 * arrivals), in the test's JVM, and checks that the load follows the schedule.
 */
class OpenLoopSteadyStateTest {
    private static final double RATE = 20;

    @TempDir
    static Path out;

    private static RunResult result;
    private static Summary summary;

    @BeforeAll
    static void runBenchmark() throws Exception {
        result = JmhTestRuns.runOne(JmhTestRuns.options(FixedTimingSteadyBenchmark.class, 0)
                .param("rate", Double.toString(RATE))
                .param("label", "open")
                .param("out", out.toString()));
        summary = SummaryReader.readPoint(OutputLayout.of(out, "open").pointSummaryFile("r20"));
    }

    @Test
    void requestThroughputFollowsRate() {
        // Two one-second iterations hold about 40 Poisson arrivals; ±40 % covers their spread.
        assertThat(JmhTestRuns.score(result, SummaryResults.REQUEST_THROUGHPUT))
                .isCloseTo(RATE, within(RATE * 0.4));
    }

    @Test
    void summaryDescribesOpenLoop() {
        assertThat(summary.load().mode()).isEqualTo(LoadDescription.Mode.OPEN_LOOP);
        assertThat(summary.load().ratePerSecond()).isEqualTo(RATE);
    }

    @Test
    void scheduleLagIsRecordedPerRequest() {
        assertThat(summary.distribution(Metric.SCHEDULE_LAG).count())
                .isEqualTo(summary.totalRequests());
        assertThat(JmhTestRuns.secondaryDistribution(result, "schedule_lag").count())
                .isEqualTo(summary.totalRequests());
    }
}
