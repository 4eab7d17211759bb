package io.tokenmark.jmh;

import io.tokenmark.core.sampler.PointCounters;
import io.tokenmark.core.workload.FixedPromptWorkload;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * A fixed-count benchmark against a server given by {@code @Param}s, used by
 * {@link MockLlmIntegrationTest} to run the harness against {@code @dwmkerr/mock-llm}.
 */
public class MockLlmBenchmark extends FixedCountBenchmark {
    @Param("")
    public String url;

    @Param("")
    public String model;

    @Param("2")
    public int concurrency;

    @Param("8")
    public int requests;

    @Param("target/tokenmark-tests")
    public String out;

    @Override
    protected HarnessOptions options() {
        return HarnessOptions.builder()
                .target(Target.server(url, model))
                .workload(new FixedPromptWorkload("Say something about TokenMark.", 64))
                // The mock sends one character per event and no usage, and its test checks
                // that the harness then counts one token per event.
                .countTokensWithTokenizer(false)
                .closedLoop(concurrency)
                .requestsPerIteration(requests)
                .outputDirectory(Path.of(out))
                .label("mock-llm")
                .build();
    }

    @Benchmark
    public PointCounters batch() throws InterruptedException {
        return runRequests();
    }
}
