package io.tokenmark.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenmark.core.metric.Distribution;
import io.tokenmark.jmh.results.SummaryResults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;

/**
 * Runs {@link FixedTimingBatchBenchmark} once at concurrency 1 with 12 requests per iteration (one
 * warm-up iteration, two measured), in the test's JVM, and checks its timings and files. The
 * timing checks are as sensitive to a busy machine as those of {@link SteadyStateHarnessTest}.
 */
class FixedCountHarnessTest {
    private static final int REQUESTS = 12;
    private static final int MEASURED_ITERATIONS = 2;
    private static final int WARMUP_ITERATIONS = 1;

    @TempDir
    static Path out;

    private static RunResult result;
    private static Path runDirectory;
    private static List<JsonNode> requests;

    /** Runs the benchmark, again if load pushed its timing out (see {@code runWithinTiming}). */
    @BeforeAll
    static void runBenchmark() throws Exception {
        JmhTestRuns.TimedRun run = JmhTestRuns.runWithinTiming(out, attemptOut ->
                JmhTestRuns.options(FixedTimingBatchBenchmark.class, 0)
                        .param("out", attemptOut.toString())
                        .param("requests", Integer.toString(REQUESTS)));
        result = run.result();
        runDirectory = run.out().resolve("batch");
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
    void everyMeasuredIterationRunsExactlyItsRequests() {
        assertThat(requests).hasSize(REQUESTS * MEASURED_ITERATIONS);
        assertThat(JmhTestRuns.score(result, SummaryResults.SUCCEEDED))
                .isEqualTo(REQUESTS * MEASURED_ITERATIONS);
    }

    @Test
    void warmupRequestsAreNotWritten() {
        long firstMeasured = REQUESTS * WARMUP_ITERATIONS;

        assertThat(requests).allSatisfy(line ->
                assertThat(line.get("request_id").asLong()).isGreaterThanOrEqualTo(firstMeasured));
    }

    @Test
    void iterationsSendDifferentDatasetPositions() {
        // Iteration k sends specs k * M to k * M + M - 1; the fixed prompt workload has one spec,
        // so every request reports position 0 of it.
        assertThat(requests).allSatisfy(line ->
                assertThat(line.get("dataset_index").asInt()).isZero());
    }

    @Test
    void profilerTpotDistributionEqualsRequestLog() {
        Distribution fromProfiler = JmhTestRuns.secondaryDistribution(result, "tpot");
        double[] tpots = requests.stream().mapToDouble(line -> line.get("tpot_ms").asDouble() * 1e6)
                .toArray();
        Distribution fromLog = Distribution.of(tpots);

        assertThat(fromProfiler.count()).isEqualTo(fromLog.count());
        assertThat(fromProfiler.mean()).isCloseTo(fromLog.mean(), within(1.0));
        assertThat(fromProfiler.histogramCopy()).isEqualTo(fromLog.histogramCopy());
    }

    @Test
    void apiKeyAppearsInNoOutputFile() throws IOException {
        try (Stream<Path> files = Files.list(runDirectory)) {
            for (Path file : files.toList()) {
                assertThat(Files.readString(file, StandardCharsets.UTF_8)).as(file.toString())
                        .doesNotContain(FixedTimingBatchBenchmark.API_KEY);
            }
        }
    }
}
