package io.tokenmark.examples;

import io.tokenmark.core.sampler.PointCounters;
import io.tokenmark.core.workload.DatasetFormat;
import io.tokenmark.core.workload.DatasetWorkload;
import io.tokenmark.jmh.FixedCountBenchmark;
import io.tokenmark.jmh.HarnessOptions;
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
 * Replays your own prompts: a JSON Lines file with one {@code {"prompt": ...}} or
 * {@code {"messages": [...]}} object per line and an optional {@code max_tokens}, such as
 * {@code datasets/support-questions.jsonl}. Every iteration sends 50 requests at the given
 * concurrency and waits for all of them, as {@code evalscope perf --number 50} does; the
 * tokenizer counts each prompt so that the input token throughput is known even when the server
 * reports no usage.
 *
 * <p>Point {@code -p dataset=...} at your file and {@code -p url=...} (with {@code -p model=...})
 * at your server; without a URL it runs against the simulator.
 */
@Warmup(iterations = 1)
@Measurement(iterations = 5)
@Fork(1)
public class CustomDatasetBenchmark extends FixedCountBenchmark {
    @Param("datasets/support-questions.jsonl")
    public String dataset;

    @Param("")
    public String url;

    @Param("")
    public String model;

    @Param("8")
    public int concurrency;

    @Param("50")
    public int requests;

    /** Simulator speed: 1 is real time, 0.1 ten times faster; ignored for servers. */
    @Param("1")
    public double timeScale;

    /** The folder of the run folders. */
    @Param("target/tokenmark")
    public String out;

    @Override
    protected HarnessOptions options() {
        Target target = url.isEmpty()
                ? Target.simulator(SimulatorOptions.builder()
                        .profile(Profiles.byName(Profiles.EP8))
                        .timeScale(timeScale)
                        .build())
                : Target.server(url, model);
        return HarnessOptions.builder()
                .target(target)
                .workload(tokenizer -> DatasetWorkload.builder(DatasetFormat.JSONL, Path.of(dataset))
                        .tokenizer(tokenizer)
                        .outputTokens(256)
                        .build())
                .closedLoop(concurrency)
                .requestsPerIteration(requests)
                .outputDirectory(Path.of(out))
                .label("dataset")
                .build();
    }

    @Benchmark
    public PointCounters batch() throws InterruptedException {
        return runRequests();
    }
}
