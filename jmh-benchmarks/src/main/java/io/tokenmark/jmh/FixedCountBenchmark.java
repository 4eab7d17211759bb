package io.tokenmark.jmh;

import io.tokenmark.core.sampler.LoadPoint;
import io.tokenmark.core.sampler.PointCounters;
import io.tokenmark.core.sampler.PointExecution;
import io.tokenmark.core.sampler.PointOutcome;
import io.tokenmark.core.workload.RequestSpec;
import io.tokenmark.core.workload.Workload;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * A benchmark whose every iteration sends exactly M requests at concurrency N (or at a rate) and
 * waits for all of them, like evalscope perf's {@code --number} with {@code --parallel}. It runs
 * in {@code Mode.SingleShotTime}: one operation per iteration, and the primary score is the time
 * the M requests took; with {@link TokenMarkProfiler} every serving metric comes as a secondary
 * result.
 *
 * <pre>{@code
 * public class MyBatchBenchmark extends FixedCountBenchmark {
 *     @Param({"1", "10", "50"})
 *     public int concurrency;
 *
 *     @Override
 *     protected HarnessOptions options() {
 *         return HarnessOptions.builder()
 *                 .target(Target.simulator("ep8"))
 *                 .workload(new FixedPromptWorkload("Summarize TCP slow start.", 256))
 *                 .closedLoop(concurrency)
 *                 .requestsPerIteration(10 * concurrency)
 *                 .build();
 *     }
 *
 *     @Benchmark
 *     public PointCounters batch() throws InterruptedException {
 *         return runRequests();
 *     }
 * }
 * }</pre>
 *
 * <p><b>How it measures.</b> Each iteration is one load point of M requests. Warm-up iterations
 * run the same way and are not measured. Iteration k sends the workload's specs from k × M on,
 * so iterations do not repeat the same prompts while the workload has more. An iteration's D is
 * the time from its first send to its last request's end; the trial's D is the sum over
 * measurement iterations.
 *
 * <p><b>Caveats.</b>
 * <ol>
 *   <li><b>Ramp-up and drain.</b> Every iteration starts with N requests at once and ends with
 *       fewer than N in flight, so its throughput is below the steady state's, the more so the
 *       smaller M is against N. Make M several times N.</li>
 *   <li><b>Coordinated omission.</b> In a closed loop a slow server receives fewer requests per
 *       second, so latencies look better than users sending at a fixed rate would see; see
 *       {@link SteadyStateBenchmark}.</li>
 *   <li><b>A client sharing its host.</b> With {@link Target#simulator} the server competes with
 *       the client for the benchmark JVM's cores, heap and garbage collection.</li>
 *   <li><b>JMH settings.</b> Only {@code Mode.SingleShotTime} with batch size 1 and one thread
 *       is accepted; JMH's iteration time does not apply.</li>
 * </ol>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
public abstract class FixedCountBenchmark extends ServingBenchmark {
    private long iterationsStarted;

    protected FixedCountBenchmark() {
    }

    /**
     * Sends this iteration's M requests, waits until every one of them has ended, and returns
     * the point's counters. Call it once from the {@code @Benchmark} method. Failed requests are
     * counted, not thrown.
     *
     * @throws IllegalStateException if the client or the workload threw while dispatching
     * @throws InterruptedException if JMH interrupts the benchmark thread; the requests in
     *     flight are cancelled
     */
    protected final PointCounters runRequests() throws InterruptedException {
        Harness harness = harness();
        int requests = harness.options().requestsPerIteration();
        LoadPoint point = harness.loadPoint().requests(requests).build();
        Workload workload = new OffsetWorkload(harness.workload(), iterationsStarted * requests);
        iterationsStarted++;

        PointExecution execution = PointExecution.create(point, workload, harness.client(),
                harness.runContext(), harness::accept);
        execution.start();
        PointOutcome outcome;
        try {
            outcome = execution.awaitCompletion();
        } catch (InterruptedException e) {
            execution.stop(java.time.Duration.ZERO);
            throw e;
        }
        if (outcome == PointOutcome.FAILED) {
            Throwable failure = execution.failure().orElse(null);
            throw new IllegalStateException("point " + point.label() + " failed while dispatching: "
                    + failure, failure);
        }
        return execution.counters();
    }

    @Override
    final boolean fixedCount() {
        return true;
    }

    @Override
    final void checkSettings(BenchmarkParams params, HarnessOptions options) {
        if (params.getMode() != Mode.SingleShotTime) {
            throw new IllegalStateException("a fixed-count benchmark runs in Mode.SingleShotTime,"
                    + " one batch of requests per iteration, not " + params.getMode()
                    + ": remove the @BenchmarkMode override, or extend SteadyStateBenchmark");
        }
        if (params.getMeasurement().getBatchSize() != 1 || params.getWarmup().getBatchSize() != 1) {
            throw new IllegalStateException("a fixed-count benchmark needs a JMH batch size of 1,"
                    + " not " + params.getMeasurement().getBatchSize() + ": set the requests per"
                    + " iteration in the options instead");
        }
        if (params.getThreads() != 1) {
            throw new IllegalStateException("a fixed-count benchmark runs on one JMH thread, not "
                    + params.getThreads() + ": set the concurrency in the options instead");
        }
        if (options.requestsPerIteration() < 1) {
            throw new IllegalStateException("a fixed-count benchmark needs requestsPerIteration:"
                    + " set it in the options, for example requestsPerIteration(10 * concurrency)");
        }
    }

    @Override
    final void trialStarted(Harness harness, BenchmarkParams params) {
        iterationsStarted = 0;
    }

    @Override
    final void iterationStarting() {
    }

    @Override
    final void trialEnding() {
    }

    /** A workload read from a starting sequence onwards, so each iteration sends other specs. */
    private static final class OffsetWorkload implements Workload {
        private final Workload workload;
        private final long offset;

        OffsetWorkload(Workload workload, long offset) {
            this.workload = workload;
            this.offset = offset;
        }

        @Override
        public String description() {
            return workload.description();
        }

        @Override
        public int size() {
            return workload.size();
        }

        @Override
        public RequestSpec get(long sequence) {
            return workload.get(offset + sequence);
        }
    }
}
