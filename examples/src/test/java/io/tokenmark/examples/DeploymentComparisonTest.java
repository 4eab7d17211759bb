package io.tokenmark.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tokenmark.core.metric.Metric;
import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.report.OutputLayout;
import io.tokenmark.core.report.SummaryReader;
import io.tokenmark.jmh.TokenMarkProfiler;
import io.tokenmark.jmh.results.SummaryResults;
import java.nio.file.Path;
import java.util.Collection;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link DeploymentComparison} on both calibrated profiles at concurrency 1 and 4, at a
 * quarter of real time with 128-token prompts and 32-token answers.
 */
class DeploymentComparisonTest {
    @TempDir
    static Path out;

    private static Collection<RunResult> results;

    @BeforeAll
    static void runBenchmark() throws Exception {
        results = new Runner(ExampleRuns.quick(TimeValue.seconds(1))
                .include("^" + Pattern.quote(DeploymentComparison.class.getName()) + "\\.")
                .param("concurrency", "1", "4")
                .param("inputTokens", "128")
                .param("outputTokens", "32")
                .param("prompts", "16")
                .param("timeScale", "0.25")
                .param("out", out.toString())
                .addProfiler(TokenMarkProfiler.class)
                .build()).run();
    }

    private static RunResult result(String deployment, String concurrency) {
        return results.stream()
                .filter(r -> r.getParams().getParam("deployment").equals(deployment)
                        && r.getParams().getParam("concurrency").equals(concurrency))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void everyDeploymentAndConcurrencyRan() {
        assertThat(results).hasSize(4);
        assertThat(results).allSatisfy(result -> {
            assertThat(result.getSecondaryResults().get(SummaryResults.SUCCEEDED).getScore())
                    .isPositive();
            assertThat(result.getSecondaryResults().get(SummaryResults.FAILED).getScore()).isZero();
        });
    }

    @Test
    void eachDeploymentWritesItsRunFolder() {
        for (String deployment : new String[] {"ep8", "tp4pp2"}) {
            OutputLayout layout = OutputLayout.of(out, deployment);
            assertThat(layout.runFile()).exists();
            assertThat(layout.pointSummaryFile("c1")).exists();
            assertThat(layout.pointSummaryFile("c4")).exists();
        }
    }

    @Test
    void expertParallelDecodesFasterAtConcurrencyOne() {
        // One sequence decodes in about 25 ms per step with EP=8 and 30 ms with TP=4, PP=2.
        assertThat(result("ep8", "1").getSecondaryResults().get("tpot").getScore())
                .isLessThan(result("tp4pp2", "1").getSecondaryResults().get("tpot").getScore());
    }

    @Test
    void summaryFilesAgreeWithJmhResults() {
        Summary summary = SummaryReader.readPoint(OutputLayout.of(out, "ep8").pointSummaryFile("c4"));

        assertThat(summary.stats(Metric.TTFT).mean()).isCloseTo(
                result("ep8", "4").getSecondaryResults().get("ttft").getScore(), within(1e-9));
    }
}
