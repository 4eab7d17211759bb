package io.tokenmark.jmh;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.WorkloadParams;
import org.openjdk.jmh.runner.options.TimeValue;

/** Builds the {@link BenchmarkParams} JMH would pass, for tests of the harness's checks. */
final class TestParams {
    private TestParams() {
    }

    static BenchmarkParams of(Mode mode, int forks, int threads, int batchSize) {
        IterationParams warmup = new IterationParams(IterationType.WARMUP, 1,
                TimeValue.seconds(1), batchSize);
        IterationParams measurement = new IterationParams(IterationType.MEASUREMENT, 2,
                TimeValue.seconds(1), batchSize);
        return new BenchmarkParams("io.tokenmark.jmh.ExampleBenchmark.request",
                "io.tokenmark.jmh.jmh_generated.ExampleBenchmark_request_jmhTest",
                true, threads, new int[] {threads}, List.of(), forks, 0, warmup, measurement,
                mode, new WorkloadParams(), TimeUnit.SECONDS, 1, "java", List.of(), "17",
                "OpenJDK", "17", "1.37", TimeValue.minutes(10));
    }

    static BenchmarkParams of(Mode mode) {
        return of(mode, 1, 1, 1);
    }
}
