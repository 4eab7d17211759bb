package io.tokenmark.jmh;

import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.sampler.LoadPoint;
import io.tokenmark.core.sampler.PointExecution;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A benchmark that keeps the load running through the whole JMH trial and counts one JMH
 * operation per request that ends. The primary score of the default {@code Mode.Throughput} is
 * therefore requests per second; with {@link TokenMarkProfiler} every serving metric comes as a
 * secondary result.
 *
 * <pre>{@code
 * public class MyServerBenchmark extends SteadyStateBenchmark {
 *     @Param({"1", "10", "50", "100"})
 *     public int concurrency;
 *
 *     @Override
 *     protected HarnessOptions options() {
 *         return HarnessOptions.builder()
 *                 .target(Target.server("http://10.0.0.7:8000/v1", "Qwen/Qwen3-235B-A22B"))
 *                 .workload(tokenizer -> RandomPromptWorkload.builder(tokenizer)
 *                         .inputTokens(1024).outputTokens(1024).build())
 *                 .closedLoop(concurrency)
 *                 .build();
 *     }
 *
 *     @Benchmark
 *     public RequestRecord request() throws InterruptedException {
 *         return awaitRequest();
 *     }
 * }
 * }</pre>
 *
 * <p><b>How it measures.</b> At trial setup the harness starts the load: N users in a closed
 * loop, or arrivals at a rate in an open loop. Requests are in flight during warm-up, between
 * iterations and during measurement, as they would be against a server under constant load.
 * Each call of {@link #awaitRequest()} waits until a request ends and returns its record; the
 * requests it returns during a measurement iteration are that iteration's requests. Requests
 * that end during warm-up or between iterations are not measured, and the trial's D is the sum
 * of the measurement iterations' windows. At trial teardown the load stops and requests in flight
 * are cancelled.
 *
 * <p><b>Caveats.</b>
 * <ol>
 *   <li><b>Coordinated omission.</b> In a closed loop each user sends its next request when its
 *       last one ends, so a slow server receives fewer requests per second and its queue stays
 *       short: latencies look better than users sending at a fixed rate would see. Compare the
 *       request rates of the points, or use an open loop, whose schedule does not wait for the
 *       server and whose schedule lag shows every request the client sent late.</li>
 *   <li><b>A client sharing its host.</b> With {@link Target#simulator} the server runs in the
 *       benchmark's JVM and competes with the client for cores, heap and garbage collection.
 *       Both count into the latencies; the summaries carry a caveat saying so.</li>
 *   <li><b>Iteration edges.</b> JMH ends an iteration only when the operation in progress
 *       returns, so an iteration runs up to one request gap longer than its set time. Make
 *       iterations long against a request's end-to-end latency, or percentiles of an
 *       iteration cover few requests.</li>
 *   <li><b>JMH threads.</b> More than one JMH thread adds no load (the load is set by the
 *       options); the threads only share the ended requests. While JMH lines the threads up
 *       before and after the measured loop, the requests they take count in the serving
 *       metrics but not in JMH's operation count.</li>
 *   <li><b>Open loop.</b> Its schedule covers the trial's planned time (warm-up and measurement)
 *       with a margin. A trial that runs much longer, for example because JMH's own setup is
 *       slow, ends with an error when the schedule runs out.</li>
 * </ol>
 *
 * <p>Modes: {@code Mode.Throughput} (requests per second, the default), {@code Mode.AverageTime}
 * (seconds between request ends) and {@code Mode.SampleTime} are allowed;
 * {@code Mode.SingleShotTime} is rejected because one request per iteration measures nothing
 * useful: use {@link FixedCountBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public abstract class SteadyStateBenchmark extends ServingBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(SteadyStateBenchmark.class);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    /** Multiplier and addition that turn the trial's planned time into an open-loop schedule. */
    private static final double SCHEDULE_MARGIN = 2.0;
    private static final Duration SCHEDULE_EXTRA = Duration.ofMinutes(2);

    private final LinkedBlockingQueue<RequestRecord> ended = new LinkedBlockingQueue<>();
    private volatile PointExecution load;

    protected SteadyStateBenchmark() {
    }

    /**
     * Waits until the next request ends and returns its record; call it once per operation from
     * the {@code @Benchmark} method. A failed request returns a record with an error kind, which
     * the summaries count as a failure.
     *
     * @throws IllegalStateException if the load stopped (it failed, or an open loop's schedule
     *     ran out), naming the reason
     * @throws InterruptedException if JMH interrupts the benchmark thread
     */
    protected final RequestRecord awaitRequest() throws InterruptedException {
        Harness harness = harness();
        while (true) {
            RequestRecord record = ended.poll(POLL_NANOS, TimeUnit.NANOSECONDS);
            if (record != null) {
                harness.accept(record);
                return record;
            }
            PointExecution running = load;
            if (running == null || running.isFinished()) {
                throw stoppedLoad(running);
            }
        }
    }

    @Override
    final boolean fixedCount() {
        return false;
    }

    @Override
    final void checkSettings(BenchmarkParams params, HarnessOptions options) {
        if (params.getMode() == Mode.SingleShotTime) {
            throw new IllegalStateException("a steady-state benchmark cannot run in"
                    + " Mode.SingleShotTime, where an iteration is one request: use"
                    + " Mode.Throughput, or extend FixedCountBenchmark for M requests per iteration");
        }
        if (options.requestsPerIteration() != 0) {
            throw new IllegalStateException("requestsPerIteration (" + options.requestsPerIteration()
                    + ") applies to a fixed-count benchmark: remove it, or extend FixedCountBenchmark");
        }
        if (options.loadMode() == LoadPoint.Mode.OPEN_LOOP
                && Double.isInfinite(options.ratePerSecond())) {
            throw new IllegalStateException("a steady state needs a finite request rate, not"
                    + " infinity: set openLoop(requestsPerSecond) to a number, or use a closed loop");
        }
    }

    @Override
    final void trialStarted(Harness harness, BenchmarkParams params) {
        LoadPoint point = harness.loadPoint().duration(scheduleLength(harness, params)).build();
        PointExecution execution = PointExecution.create(point, harness.workload(),
                harness.client(), harness.runContext(), ended::add);
        load = execution;
        execution.start();
    }

    @Override
    final void iterationStarting() {
        int dropped = ended.size();
        ended.clear();
        if (dropped > 0) {
            LOG.debug("Dropped {} requests that ended before the iteration started", dropped);
        }
    }

    @Override
    final void trialEnding() throws InterruptedException {
        PointExecution execution = load;
        load = null;
        if (execution == null) {
            return;
        }
        execution.stop(Duration.ZERO);
        if (!execution.awaitCompletion(STOP_WAIT)) {
            LOG.warn("Load {} did not stop within {} s of the end of the trial",
                    execution.point().label(), STOP_WAIT.toSeconds());
        }
        ended.clear();
    }

    /**
     * Returns how long the load point may run. A closed loop runs until the trial stops it. An
     * open loop's schedule is precomputed, so it covers the trial's planned time with a margin.
     */
    private static Duration scheduleLength(Harness harness, BenchmarkParams params) {
        if (harness.options().loadMode() == LoadPoint.Mode.CLOSED_LOOP) {
            return LoadPoint.MAX_DURATION;
        }
        long planned = params.getWarmup().getCount()
                * params.getWarmup().getTime().convertTo(TimeUnit.NANOSECONDS)
                + params.getMeasurement().getCount()
                * params.getMeasurement().getTime().convertTo(TimeUnit.NANOSECONDS);
        return Duration.ofNanos((long) (planned * SCHEDULE_MARGIN)).plus(SCHEDULE_EXTRA);
    }

    private static IllegalStateException stoppedLoad(PointExecution execution) {
        if (execution == null) {
            return new IllegalStateException("the load is not running: awaitRequest() was"
                    + " called outside a trial");
        }
        String reason = execution.failure()
                .map(e -> "it failed: " + e)
                .orElse("its schedule ran out; lengthen it by shortening the JMH iterations"
                        + " or use a closed loop");
        return new IllegalStateException("load point " + execution.point().label()
                + " stopped before the trial ended: " + reason,
                execution.failure().orElse(null));
    }
}
