package io.tokenmark.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenmark.core.metric.Distribution;
import io.tokenmark.jmh.results.SummaryResults;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.format.ResultFormatType;

/**
 * Runs {@link FixedTimingSteadyBenchmark} in one forked JVM, as users run JMH, and checks that
 * JMH's JSON output contains the serving metrics with percentiles over requests. The results travel
 * from the fork to this JVM serialized, so this also checks that the distributions survive.
 */
class ForkedJmhRunTest {
    @TempDir
    static Path out;

    private static JsonNode benchmark;
    private static List<JsonNode> requests;

    @BeforeAll
    static void runBenchmark() throws Exception {
        Path json = out.resolve("jmh-result.json");
        JmhTestRuns.runOne(JmhTestRuns.options(FixedTimingSteadyBenchmark.class, 1)
                .param("out", out.toString())
                .param("label", "forked")
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString()));
        benchmark = JmhTestRuns.JSON.readTree(json.toFile()).get(0);
        requests = JmhTestRuns.requestLines(out.resolve("forked"));
    }

    @Test
    void jsonHoldsEveryServingMetric() {
        JsonNode secondary = benchmark.get("secondaryMetrics");

        for (String label : new String[] {"ttft", "ttfo", "tpot", "icl", "itl", "e2el",
                "ttft.p50", "ttft.p99", "tpot.p99", "itl.p99", "e2el.p99",
                SummaryResults.REQUEST_THROUGHPUT, SummaryResults.OUTPUT_THROUGHPUT,
                SummaryResults.TOTAL_TOKEN_THROUGHPUT, SummaryResults.SUCCEEDED,
                SummaryResults.FAILED}) {
            assertThat(secondary.has(label)).as(label).isTrue();
        }
    }

    @Test
    void ttftScorePercentilesArePerRequest() {
        Distribution fromLog = JmhTestRuns.distributionOf(JmhTestRuns.nanos(requests, "ttft_ms"));
        JsonNode percentiles = benchmark.at("/secondaryMetrics/ttft/scorePercentiles");

        assertThat(percentiles.get("0.0").asDouble()).isEqualTo(fromLog.min() / 1e6);
        assertThat(percentiles.get("50.0").asDouble()).isEqualTo(fromLog.percentile(50) / 1e6);
        assertThat(percentiles.get("90.0").asDouble()).isEqualTo(fromLog.percentile(90) / 1e6);
        assertThat(percentiles.get("99.0").asDouble()).isEqualTo(fromLog.percentile(99) / 1e6);
        assertThat(percentiles.get("100.0").asDouble()).isEqualTo(fromLog.max() / 1e6);
    }

    @Test
    void ttftScoreIsMeanOverRequests() {
        Distribution fromLog = JmhTestRuns.distributionOf(JmhTestRuns.nanos(requests, "ttft_ms"));

        assertThat(benchmark.at("/secondaryMetrics/ttft/score").asDouble())
                .isCloseTo(fromLog.mean() / 1e6, within(1e-9));
        assertThat(benchmark.at("/secondaryMetrics/ttft/scoreUnit").asText()).isEqualTo("ms");
    }

    @Test
    void ttftRawDataHasOneScorePerIteration() {
        JsonNode rawData = benchmark.at("/secondaryMetrics/ttft/rawData");

        assertThat(rawData.size()).as("forks").isEqualTo(1);
        assertThat(rawData.get(0).size()).as("iterations").isEqualTo(2);
    }

    @Test
    void derivedP99EqualsScorePercentile() {
        assertThat(benchmark.at("/secondaryMetrics/tpot.p99/score").asDouble())
                .isEqualTo(benchmark.at("/secondaryMetrics/tpot/scorePercentiles/99.0").asDouble());
    }

    @Test
    void succeededCountsEveryLoggedRequest() {
        assertThat(benchmark.at("/secondaryMetrics/succeeded/score").asDouble())
                .isEqualTo(requests.size());
    }
}
