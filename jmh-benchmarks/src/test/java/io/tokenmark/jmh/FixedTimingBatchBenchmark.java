package io.tokenmark.jmh;

import io.tokenmark.core.client.ApiKey;
import io.tokenmark.core.sampler.PointCounters;
import io.tokenmark.core.workload.FixedPromptWorkload;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.profile.Profiles;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * A fixed-count benchmark against the simulator's fixed timing (as
 * {@link FixedTimingSteadyBenchmark}), whose simulator requires {@link #API_KEY} so that tests
 * can look for the key in what the run wrote.
 */
public class FixedTimingBatchBenchmark extends FixedCountBenchmark {
    /** The key the simulator requires; tests check that no output file contains it. */
    static final String API_KEY = "tm-test-key-7d3f9a01c2";

    @Param("1")
    public int concurrency;

    @Param("6")
    public int requests;

    @Param("target/tokenmark-tests")
    public String out;

    @Override
    protected HarnessOptions options() {
        return HarnessOptions.builder()
                .target(Target.simulator(SimulatorOptions.builder()
                        .profile(Profiles.fixed(FixedTimingSteadyBenchmark.TTFT,
                                FixedTimingSteadyBenchmark.ITL))
                        .requiredApiKey(API_KEY)
                        .build()))
                .apiKey(ApiKey.of(API_KEY))
                .workload(new FixedPromptWorkload("Count from one to six.",
                        FixedTimingSteadyBenchmark.ANSWER_TOKENS))
                .closedLoop(concurrency)
                .requestsPerIteration(requests)
                .outputDirectory(Path.of(out))
                .label("batch")
                .build();
    }

    @Benchmark
    public PointCounters batch() throws InterruptedException {
        return runRequests();
    }
}
