package io.tokenmark.examples;

import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.workload.RandomPromptWorkload;
import io.tokenmark.jmh.HarnessOptions;
import io.tokenmark.jmh.SteadyStateBenchmark;
import io.tokenmark.jmh.Target;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.profile.Profiles;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compares two deployments of one model over concurrency 1, 10, 50 and 100: by default the
 * simulator's profiles of Qwen3-235B-A22B on 8×A100 with expert parallelism ({@code ep8}) and
 * with TP=4, PP=2 ({@code tp4pp2}), with the workload they were calibrated on (1,024 tokens in,
 * 1,024 out).
 *
 * <p>Each deployment writes its own run folder, {@code target/tokenmark/ep8} and
 * {@code target/tokenmark/tp4pp2}, which {@code tokenmark.jar compare} puts side by side. To
 * compare two real servers, name them and give their URLs:
 * {@code -Ddeployment.ep8.url=http://10.0.0.7:8000/v1 -Ddeployment.ep8.model=Qwen/Qwen3-235B-A22B}
 * (and the same for {@code tp4pp2}); a deployment without a URL runs on the simulator.
 *
 * <p>Run it with the profiler:
 * {@code java -cp ... org.openjdk.jmh.Main DeploymentComparison -prof io.tokenmark.jmh.TokenMarkProfiler}.
 * A simulated 1,024-token response takes about 25 to 100 ms per token, so the iterations are long;
 * {@code -p timeScale=0.1} runs the simulator ten times faster (latencies scale with it).
 * Building 1,000 prompts of 1,024 tokens takes several seconds in each fork.
 */
@Warmup(iterations = 1, time = 60)
@Measurement(iterations = 3, time = 60)
@Fork(1)
public class DeploymentComparison extends SteadyStateBenchmark {
    /** The deployment: a simulator profile, or a name that -Ddeployment.NAME.url points at a server. */
    @Param({"ep8", "tp4pp2"})
    public String deployment;

    @Param({"1", "10", "50", "100"})
    public int concurrency;

    @Param("1024")
    public int inputTokens;

    @Param("1024")
    public int outputTokens;

    /** Distinct prompts; at least the requests of a trial, so no prompt repeats. */
    @Param("1000")
    public int prompts;

    /** Simulator speed: 1 is real time, 0.1 ten times faster; ignored for servers. */
    @Param("1")
    public double timeScale;

    /** The folder of the run folders. */
    @Param("target/tokenmark")
    public String out;

    @Override
    protected HarnessOptions options() {
        return HarnessOptions.builder()
                .target(target())
                .workload(tokenizer -> RandomPromptWorkload.builder(tokenizer)
                        .inputTokens(inputTokens)
                        .outputTokens(outputTokens)
                        .ignoreEos(true)
                        .prompts(prompts)
                        .build())
                .closedLoop(concurrency)
                .outputDirectory(Path.of(out))
                .label(deployment)
                .build();
    }

    private Target target() {
        String url = System.getProperty("deployment." + deployment + ".url");
        if (url != null) {
            return Target.server(url, System.getProperty("deployment." + deployment + ".model"));
        }
        return Target.simulator(SimulatorOptions.builder()
                .profile(Profiles.byName(deployment))
                .timeScale(timeScale)
                .build());
    }

    @Benchmark
    public RequestRecord request() throws InterruptedException {
        return awaitRequest();
    }
}
