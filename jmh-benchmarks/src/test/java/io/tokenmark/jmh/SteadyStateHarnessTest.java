package io.tokenmark.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenmark.core.metric.Distribution;
import io.tokenmark.core.metric.Metric;
import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.report.SummaryReader;
import io.tokenmark.jmh.results.SummaryResults;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link FixedTimingSteadyBenchmark} at concurrency 1, in the test's JVM, over real
 * sockets to the embedded simulator, and checks its timings and what it wrote.
 *
 * <p>The timing checks share the machine's cores with the simulator and whatever else runs. On a
 * 2-core machine with a load average of 6, the simulator's ground truth put 0.2 to 1.5 ms between
 * the client's send and the server's receipt. Each first token was written 0.2 to 0.5 ms late,
 * and now and then 5 to 20 ms late. The mean TTFT measured 51 to 52 ms, and about one run in
 * three missed the 2 ms bound, which is why a run outside it is repeated up to three times.
 * When all three miss, rerun on a quieter machine before concluding that the client is slow.
 */
class SteadyStateHarnessTest {
    @TempDir
    static Path out;

    private static RunResult result;
    private static Path runDirectory;
    private static List<JsonNode> requests;

    /** Runs the benchmark, again if load pushed its timing out (see {@code runWithinTiming}). */
    @BeforeAll
    static void runBenchmark() throws Exception {
        // A longer warm-up and measurement than the other runs: the timing checks need the JIT
        // warm and enough requests that one delayed by a busy machine moves the mean little.
        JmhTestRuns.TimedRun run = JmhTestRuns.runWithinTiming(out, attemptOut ->
                JmhTestRuns.options(FixedTimingSteadyBenchmark.class, 0)
                        .warmupTime(TimeValue.seconds(2))
                        .measurementTime(TimeValue.milliseconds(1500))
                        .param("out", attemptOut.toString()));
        result = run.result();
        runDirectory = run.out().resolve("steady");
        requests = JmhTestRuns.requestLines(runDirectory);
    }

    @Test
    void meanTtftIsWithinTwoMillisOfSimulated() {
        double expected = FixedTimingSteadyBenchmark.TTFT.toNanos() / 1e6;

        assertThat(JmhTestRuns.score(result, "ttft")).isCloseTo(expected, within(2.0));
    }

    @Test
    void meanTpotIsWithinHalfMilliOfSimulated() {
        double expected = FixedTimingSteadyBenchmark.ITL.toNanos() / 1e6;

        assertThat(JmhTestRuns.score(result, "tpot")).isCloseTo(expected, within(0.5));
    }

    @Test
    void profilerTtftDistributionEqualsRequestLog() {
        Distribution fromProfiler = JmhTestRuns.secondaryDistribution(result, "ttft");
        Distribution fromLog = JmhTestRuns.distributionOf(JmhTestRuns.nanos(requests, "ttft_ms"));

        assertThat(fromProfiler.count()).isPositive();
        JmhTestRuns.assertSameSamples(fromProfiler, fromLog);
        for (double percentile : new double[] {50, 90, 99}) {
            assertThat(fromProfiler.percentile(percentile)).as("p%s", percentile)
                    .isEqualTo(fromLog.percentile(percentile));
        }
    }

    @Test
    void profilerE2elDistributionEqualsRequestLog() {
        Distribution fromProfiler = JmhTestRuns.secondaryDistribution(result, "e2el");
        Distribution fromLog = JmhTestRuns.distributionOf(JmhTestRuns.nanos(requests, "e2el_ms"));

        JmhTestRuns.assertSameSamples(fromProfiler, fromLog);
    }

    @Test
    void profilerRequestCountsEqualRequestLog() {
        double measured = JmhTestRuns.score(result, SummaryResults.SUCCEEDED)
                + JmhTestRuns.score(result, SummaryResults.FAILED);

        assertThat(measured).isEqualTo(requests.size());
        assertThat(JmhTestRuns.score(result, SummaryResults.FAILED)).isZero();
    }

    @Test
    void profilerIclDistributionEqualsTrialSummary() {
        Summary summary = SummaryReader.readPoint(runDirectory.resolve("summary-c1.json"));

        JmhTestRuns.assertSameSamples(JmhTestRuns.secondaryDistribution(result, "icl"),
                summary.distribution(Metric.ICL));
    }

    @Test
    void requestLogSkipsWarmupRequests() {
        Summary summary = SummaryReader.readPoint(runDirectory.resolve("summary-c1.json"));

        assertThat(requests).allSatisfy(line -> assertThat(line.get("end_ms").asDouble())
                .isBetween(summary.windowStartMillis(), summary.windowEndMillis()));
    }

    @Test
    void trialDurationIsSumOfMeasurementIterations() {
        Summary summary = SummaryReader.readPoint(runDirectory.resolve("summary-c1.json"));

        // Two measurement iterations of 1.5 s each; JMH ends each after the request in progress,
        // at most one end-to-end latency (about 0.1 s here) later.
        assertThat(summary.durationSeconds()).isBetween(3.0, 3.0 + 2 * 0.3);
    }

    @Test
    void requestThroughputMatchesPrimaryScore() {
        double primary = result.getPrimaryResult().getScore();

        assertThat(JmhTestRuns.score(result, SummaryResults.REQUEST_THROUGHPUT))
                .isCloseTo(primary, within(primary * 0.05));
    }
}
