package io.tokenmark.jmh;

import io.tokenmark.core.metric.Summary;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * The JMH lifecycle shared by {@link SteadyStateBenchmark} and {@link FixedCountBenchmark}:
 * starts the trial's target, client and workload, opens and closes each iteration's measurement
 * window, and writes the trial's results. Extend one of the two subclasses; this class cannot be
 * extended outside its package.
 *
 * <p>The benchmark class is its own {@code @State(Scope.Benchmark)} object, so its
 * {@code @Param} fields are set when {@link #options()} runs.
 *
 * <table>
 *   <caption>What happens when</caption>
 *   <tr><th>JMH level</th><th>what the harness does</th></tr>
 *   <tr><td>trial setup</td><td>calls {@link #options()}; starts the simulator (if the target
 *       is one), loads the tokenizer (if needed), builds the workload, creates the client, opens
 *       the run folder and writes {@code run.json}</td></tr>
 *   <tr><td>iteration setup</td><td>opens the iteration's window; in warm-up iterations
 *       requests are run but not recorded</td></tr>
 *   <tr><td>iteration teardown</td><td>closes the window and leaves the iteration's summary for
 *       {@link TokenMarkProfiler}</td></tr>
 *   <tr><td>trial teardown</td><td>stops the load, writes {@code summary-<point>.json}, logs the
 *       evalscope-style table, closes everything, and fails the trial if every measured request
 *       failed</td></tr>
 * </table>
 *
 * <p><b>Pitfall.</b> A {@code @Setup} method of your own in the subclass may run before or after
 * the harness's; do not make it depend on the harness.
 */
@State(Scope.Benchmark)
public abstract class ServingBenchmark {
    private Harness harness;

    ServingBenchmark() {
    }

    /**
     * Returns the options of this trial: target, workload, load and outputs. Called once per
     * trial, in the benchmark's JVM, after JMH set the {@code @Param} fields.
     *
     * @throws IllegalArgumentException for invalid options; JMH then reports the trial as failed
     */
    protected abstract HarnessOptions options();

    /**
     * Checks that the JMH settings and the options fit this harness mode.
     *
     * @throws IllegalStateException naming the setting and what to use instead
     */
    abstract void checkSettings(BenchmarkParams params, HarnessOptions options);

    /** Whether each iteration runs a fixed number of requests. */
    abstract boolean fixedCount();

    /** Called after the harness started, before the first iteration. */
    abstract void trialStarted(Harness started, BenchmarkParams params);

    /** Called before an iteration's window opens. */
    abstract void iterationStarting();

    /** Called before the harness writes the trial's results and closes. */
    abstract void trialEnding() throws InterruptedException;

    /** Starts the trial; JMH calls it. */
    @Setup(Level.Trial)
    public final void setUpTrial(BenchmarkParams params) {
        HarnessOptions options = options();
        checkSettings(params, options);
        harness = Harness.start(options, params, fixedCount());
        try {
            trialStarted(harness, params);
        } catch (RuntimeException | Error e) {
            harness.close();
            harness = null;
            throw e;
        }
    }

    /** Opens the iteration's window; JMH calls it. */
    @Setup(Level.Iteration)
    public final void setUpIteration(IterationParams params) {
        iterationStarting();
        harness.beginIteration(params.getType() == IterationType.MEASUREMENT);
    }

    /** Closes the iteration's window and hands its summary to the profiler; JMH calls it. */
    @TearDown(Level.Iteration)
    public final void tearDownIteration() throws InterruptedException {
        Summary summary = harness.endIteration();
        if (summary != null) {
            IterationHandoff.publish(summary);
        }
    }

    /** Ends the trial and writes its results; JMH calls it. */
    @TearDown(Level.Trial)
    public final void tearDownTrial() throws InterruptedException {
        if (harness == null) {
            return;
        }
        Harness ending = harness;
        harness = null;
        try {
            trialEnding();
        } finally {
            ending.close();
        }
    }

    /** Returns the running trial's harness. */
    final Harness harness() {
        Harness running = harness;
        if (running == null) {
            throw new IllegalStateException("the TokenMark harness is not running: call this"
                    + " from a @Benchmark method, which JMH runs after the trial setup");
        }
        return running;
    }
}
