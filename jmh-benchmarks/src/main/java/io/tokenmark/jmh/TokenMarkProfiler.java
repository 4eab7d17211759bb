package io.tokenmark.jmh;

import io.tokenmark.core.metric.Summary;
import io.tokenmark.jmh.results.SummaryResults;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.runner.IterationType;

/**
 * Publishes the serving metrics of {@link SteadyStateBenchmark} and {@link FixedCountBenchmark}
 * as JMH secondary results: TTFT, TTFO, TPOT, ICL, per-token ITL, E2EL, stream time and schedule
 * lag with their percentiles, token counts, the request, output-token and total-token
 * throughputs, goodput when SLOs are set, and the counts of successful and failed requests.
 * {@link SummaryResults} lists every result with its unit.
 *
 * <p>Enable it with {@code -prof io.tokenmark.jmh.TokenMarkProfiler} on JMH's command line or
 * {@code .addProfiler(TokenMarkProfiler.class)} in {@code OptionsBuilder}. Benchmarks of other
 * kinds get no results from it.
 *
 * <p><b>Per-request percentiles.</b> The latency results are {@link
 * io.tokenmark.jmh.results.DistributionResult}s, which carry every iteration's distribution and
 * merge them across iterations and forks. JMH's score of {@code ttft} is therefore the mean
 * TTFT of all measured requests, and the {@code scorePercentiles} of its JSON output are
 * percentiles over requests. Warm-up iterations yield no results.
 *
 * <p><b>Caveat.</b> The profiler reads the summary that the benchmark's state leaves at the end
 * of each iteration in the same JVM; a benchmark whose TokenMark state is not torn down per
 * iteration by JMH (a custom harness) gets nothing.
 */
public final class TokenMarkProfiler implements InternalProfiler {
    /** Creates the profiler; JMH calls this once per benchmark run in the benchmark's JVM. */
    public TokenMarkProfiler() {
    }

    @Override
    public String getDescription() {
        return "TokenMark serving metrics (TTFT, TPOT, ITL, E2EL, token throughput) with"
                + " per-request percentiles";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        IterationHandoff.clear();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
            IterationParams iterationParams, IterationResult result) {
        Summary summary = IterationHandoff.take();
        if (summary == null || iterationParams.getType() != IterationType.MEASUREMENT) {
            return List.of();
        }
        return SummaryResults.of(summary);
    }
}
