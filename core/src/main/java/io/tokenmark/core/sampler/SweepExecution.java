package io.tokenmark.core.sampler;

import io.tokenmark.core.client.InferenceClient;
import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.workload.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the points of a {@link Sweep} one after another on the calling thread, with one
 * {@link RunContext}, so request ids stay unique across points.
 *
 * <p>{@link #stop} ends the running point (see {@link PointExecution#stop}) and skips the points
 * not yet started; it is meant for a Ctrl-C handler. A point whose outcome is
 * {@link PointOutcome#FAILED} also ends the sweep, because its client or workload would most
 * likely fail the next point too.
 *
 * <p><b>Threading:</b> {@link #run()} blocks and may be called once. {@link #stop},
 * {@link #currentPoint()} and {@link #currentLabel()} may be called from any thread.
 */
public final class SweepExecution {
    private static final Logger LOG = LoggerFactory.getLogger(SweepExecution.class);

    private final Sweep sweep;
    private final Workload workload;
    private final InferenceClient client;
    private final RunContext run;
    private final SweepListener listener;

    private boolean started;
    private boolean stopRequested;
    private Duration stopGrace;
    private Duration stopCancelTimeout;
    private PointExecution current;

    /** Prepares a sweep; nothing is sent before {@link #run()}. */
    public SweepExecution(Sweep sweep, Workload workload, InferenceClient client, RunContext run,
            SweepListener listener) {
        this.sweep = Objects.requireNonNull(sweep, "sweep");
        this.workload = Objects.requireNonNull(workload, "workload");
        this.client = Objects.requireNonNull(client, "client");
        this.run = Objects.requireNonNull(run, "run");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Runs every point in order, each after the previous one finished, and returns their
     * executions in run order. Points skipped after a stop or a failed point are absent.
     *
     * @throws IllegalStateException if called twice
     * @throws InterruptedException if interrupted while a point runs. That point is asked to stop
     *     with no grace period, and its last records may arrive after this is thrown.
     */
    public List<PointExecution> run() throws InterruptedException {
        synchronized (this) {
            if (started) {
                throw new IllegalStateException("sweep " + sweep.labels() + " already ran");
            }
            started = true;
        }
        LOG.info("Starting sweep of run {}: points {}", run.runId(), sweep.labels());
        List<PointExecution> executions = new ArrayList<>();
        for (LoadPoint point : sweep.points()) {
            PointExecution execution = startPoint(point);
            if (execution == null) {
                break;
            }
            executions.add(execution);
            awaitPoint(execution);
            synchronized (this) {
                current = null;
            }
            listener.pointFinished(execution);

            if (execution.outcome().orElseThrow() == PointOutcome.FAILED) {
                LOG.error("Sweep of run {} ends after point {} failed", run.runId(),
                        point.label());
                break;
            }
        }
        LOG.info("Sweep of run {} ended: {} of {} points ran", run.runId(), executions.size(),
                sweep.points().size());
        return Collections.unmodifiableList(executions);
    }

    /** Creates and starts a point, or returns null if the sweep was stopped. */
    private PointExecution startPoint(LoadPoint point) {
        synchronized (this) {
            if (stopRequested) {
                LOG.info("Sweep of run {} stopped before point {}", run.runId(), point.label());
                return null;
            }
        }
        Consumer<RequestRecord> sink = listener.pointStarting(point);
        PointExecution execution = PointExecution.create(point, workload, client, run, sink);
        synchronized (this) {
            current = execution;
            if (stopRequested) {
                // The stop came while the listener prepared the point. Finish the point at once,
                // so the listener still gets pointFinished for it.
                execution.stop(stopGrace, stopCancelTimeout);
                return execution;
            }
            execution.start();
        }
        return execution;
    }

    private void awaitPoint(PointExecution execution) throws InterruptedException {
        try {
            execution.awaitCompletion();
        } catch (InterruptedException e) {
            execution.stop(Duration.ZERO);
            throw e;
        }
    }

    /** Stops the sweep with {@link PointExecution#DEFAULT_CANCEL_TIMEOUT}. */
    public void stop(Duration grace) {
        stop(grace, PointExecution.DEFAULT_CANCEL_TIMEOUT);
    }

    /**
     * Stops the running point as {@link PointExecution#stop(Duration, Duration)} does and skips
     * the points after it. Returns at once; {@link #run()} returns once the running point has
     * finished. A later call may shorten the grace period.
     *
     * @throws IllegalArgumentException if either duration is negative
     */
    public void stop(Duration grace, Duration cancelTimeout) {
        if (grace.isNegative() || cancelTimeout.isNegative()) {
            throw new IllegalArgumentException("invalid grace period " + grace
                    + " or cancel timeout " + cancelTimeout + ": both must be zero or positive");
        }
        PointExecution running;
        synchronized (this) {
            stopRequested = true;
            stopGrace = grace;
            stopCancelTimeout = cancelTimeout;
            running = current;
        }
        LOG.info("Stopping sweep of run {}", run.runId());
        if (running != null) {
            running.stop(grace, cancelTimeout);
        }
    }

    /** Returns the point running now, or empty between points and outside {@link #run()}. */
    public synchronized Optional<PointExecution> currentPoint() {
        return Optional.ofNullable(current);
    }

    /** Returns the label of the point running now, such as {@code c16}, or empty. */
    public Optional<String> currentLabel() {
        return currentPoint().map(execution -> execution.point().label());
    }

    public Sweep sweep() {
        return sweep;
    }
}
