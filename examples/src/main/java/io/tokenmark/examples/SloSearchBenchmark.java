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
 * One probe of {@link SloSearch}: a closed loop at {@code concurrency} against the simulator's
 * {@code ep8} profile (or {@code -p url=... -p model=...}), with 1,024-token prompts and
 * 256-token answers. {@link SloSearch} runs it once per concurrency it tries.
 */
@Warmup(iterations = 1, time = 10)
@Measurement(iterations = 2, time = 20)
@Fork(1)
public class SloSearchBenchmark extends SteadyStateBenchmark {
    @Param("1")
    public int concurrency;

    @Param(Profiles.EP8)
    public String profile;

    @Param("")
    public String url;

    @Param("")
    public String model;

    @Param("1024")
    public int inputTokens;

    @Param("256")
    public int outputTokens;

    /** Simulator speed: 1 is real time, 0.1 ten times faster; ignored for servers. */
    @Param("1")
    public double timeScale;

    @Param("target/tokenmark")
    public String out;

    @Override
    protected HarnessOptions options() {
        Target target = url.isEmpty()
                ? Target.simulator(SimulatorOptions.builder()
                        .profile(Profiles.byName(profile))
                        .timeScale(timeScale)
                        .build())
                : Target.server(url, model);
        return HarnessOptions.builder()
                .target(target)
                .workload(tokenizer -> RandomPromptWorkload.builder(tokenizer)
                        .inputTokens(inputTokens)
                        .outputTokens(outputTokens)
                        .ignoreEos(true)
                        .build())
                .closedLoop(concurrency)
                .outputDirectory(Path.of(out))
                .label("slo-search")
                .build();
    }

    @Benchmark
    public RequestRecord request() throws InterruptedException {
        return awaitRequest();
    }
}
