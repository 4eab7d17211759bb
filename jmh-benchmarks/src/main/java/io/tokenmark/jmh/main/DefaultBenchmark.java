package io.tokenmark.jmh.main;

import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.jmh.HarnessOptions;
import io.tokenmark.jmh.SteadyStateBenchmark;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The benchmark of the main command: a closed loop at each {@code concurrency} against the
 * target of the {@code tokenmark.*} properties (see {@link MainSettings}), by default the
 * embedded simulator with 50 ms to the first token and 10 ms between tokens, random prompts of
 * 128 tokens and 20-token answers.
 *
 * <p>The primary score is requests per second (one operation per request that ended); with
 * {@link io.tokenmark.jmh.TokenMarkProfiler} the serving metrics are secondary results. The JMH
 * settings here are short defaults for a quick check; {@link MainCommand} sets them from the
 * properties.
 */
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 2, time = 2)
@Fork(1)
public class DefaultBenchmark extends SteadyStateBenchmark {
    /** Concurrent requests of the closed loop. */
    @Param({"1", "4", "16"})
    public int concurrency;

    @Override
    protected HarnessOptions options() {
        return MainSettings.fromSystemProperties().harnessOptions(concurrency);
    }

    /** Waits for the next request to end: one operation per request. */
    @Benchmark
    public RequestRecord request() throws InterruptedException {
        return awaitRequest();
    }
}
