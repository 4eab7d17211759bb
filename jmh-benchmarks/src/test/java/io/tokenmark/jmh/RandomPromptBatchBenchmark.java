package io.tokenmark.jmh;

import io.tokenmark.core.sampler.PointCounters;
import io.tokenmark.core.workload.RandomPromptWorkload;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.profile.Profiles;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * A fixed-count benchmark of random 128-token chat prompts against the simulator's fixed timing,
 * with the harness's default token counting, as the README's benchmark class runs it.
 */
public class RandomPromptBatchBenchmark extends FixedCountBenchmark {
    static final int INPUT_TOKENS = 128;

    @Param("2")
    public int concurrency;

    @Param("8")
    public int requests;

    @Param("target/tokenmark-tests")
    public String out;

    @Override
    protected HarnessOptions options() {
        return HarnessOptions.builder()
                .target(Target.simulator(SimulatorOptions.builder()
                        .profile(Profiles.fixed(FixedTimingSteadyBenchmark.TTFT,
                                FixedTimingSteadyBenchmark.ITL))
                        .build()))
                .workload(tokenizer -> RandomPromptWorkload.builder(tokenizer)
                        .inputTokens(INPUT_TOKENS)
                        .outputTokens(FixedTimingSteadyBenchmark.ANSWER_TOKENS)
                        .prompts(8)
                        .build())
                .closedLoop(concurrency)
                .requestsPerIteration(requests)
                .outputDirectory(Path.of(out))
                .label("random-prompts")
                .build();
    }

    @Benchmark
    public PointCounters batch() throws InterruptedException {
        return runRequests();
    }
}
