package io.tokenmark.jmh.progress;

import io.tokenmark.core.metric.MetricsRecorder;
import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.run.BenchmarkRun;
import io.tokenmark.core.run.RunObserver;
import io.tokenmark.core.sampler.LoadPoint;
import io.tokenmark.core.sampler.PointCounters;
import io.tokenmark.core.sampler.PointExecution;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows the live progress of a {@link BenchmarkRun}'s current point on a
 * {@link ProgressConsole}, once per interval: requests done of the total, requests in flight,
 * the recent request and output-token rates, errors, elapsed time and the estimated time left
 * (see {@link ProgressLine} for the layout).
 *
 * <p>Counts come from the sampler ({@link BenchmarkRun#currentPoint()}): a request counts as
 * done when its record was delivered. The output-token rate comes from the point's
 * {@link MetricsRecorder}, which adds a request's tokens when the request ends, so with long
 * responses and few users it moves in steps. Rates cover the last {@value #RATE_WINDOW_SECONDS}
 * seconds. The estimate divides the requests left by the recent rate (by the average rate since
 * the point started when no request ended recently); a point that a duration ends shows the
 * time left of that duration.
 *
 * <p><b>Threading:</b> the {@link RunObserver} methods run on the harness thread; the lines are
 * drawn by a daemon thread of this monitor. {@link #close()} stops that thread.
 */
public final class ProgressMonitor implements RunObserver, AutoCloseable {
    /** Seconds over which the shown rates are measured. */
    static final int RATE_WINDOW_SECONDS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(ProgressMonitor.class);

    private final ProgressConsole console;
    private final Supplier<Optional<PointExecution>> currentPoint;
    private final Duration interval;
    private final RateMeter requestRate = new RateMeter(TimeUnit.SECONDS.toNanos(RATE_WINDOW_SECONDS));
    private final RateMeter tokenRate = new RateMeter(TimeUnit.SECONDS.toNanos(RATE_WINDOW_SECONDS));

    private ScheduledExecutorService ticker;
    private LoadPoint point;
    private MetricsRecorder metrics;
    private long measuredStartNanos = -1;

    /**
     * @param console where the lines go; a console that shows no progress makes this monitor
     *     idle
     * @param currentPoint the running point, usually {@code run::currentPoint}
     * @param interval time between two lines; positive
     * @throws IllegalArgumentException if the interval is not positive
     */
    public ProgressMonitor(ProgressConsole console, Supplier<Optional<PointExecution>> currentPoint,
            Duration interval) {
        this.console = Objects.requireNonNull(console, "console");
        this.currentPoint = Objects.requireNonNull(currentPoint, "currentPoint");
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException(
                    "invalid progress interval " + interval + ": must be positive");
        }
        this.interval = interval;
    }

    @Override
    public synchronized void pointStarted(LoadPoint started, MetricsRecorder recorder) {
        point = started;
        metrics = recorder;
        measuredStartNanos = -1;
        requestRate.reset();
        tokenRate.reset();
        if (ticker == null && console.showsProgress()) {
            ticker = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "tokenmark-progress");
                thread.setDaemon(true);
                return thread;
            });
            long millis = interval.toMillis();
            ticker.scheduleAtFixedRate(this::tick, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void pointFinished(Summary summary, Path summaryFile) {
        point = null;
        metrics = null;
        console.clearProgress();
    }

    /** Stops drawing and erases the progress line. */
    @Override
    public void close() {
        ScheduledExecutorService running;
        synchronized (this) {
            running = ticker;
            ticker = null;
            point = null;
        }
        if (running != null) {
            running.shutdownNow();
            try {
                running.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        console.clearProgress();
    }

    private void tick() {
        try {
            Optional<ProgressSnapshot> snapshot = snapshot(System.nanoTime());
            snapshot.ifPresent(s -> console.showProgress(ProgressLine.format(s)));
        } catch (RuntimeException e) {
            // A failure here must not end the ticker, which would silently stop the display.
            LOG.warn("Failed to draw the progress line", e);
        }
    }

    /**
     * Returns the current point's progress at {@code nowNanos}, or empty between points.
     * Samples the rates, so call it once per interval.
     */
    synchronized Optional<ProgressSnapshot> snapshot(long nowNanos) {
        if (point == null || metrics == null) {
            return Optional.empty();
        }
        Optional<PointExecution> execution = currentPoint.get();
        if (execution.isEmpty() || !execution.get().point().label().equals(point.label())) {
            return Optional.empty();
        }
        PointCounters counters = execution.get().counters();
        if (measuredStartNanos < 0 && counters.dispatched() > 0) {
            measuredStartNanos = nowNanos;
        }
        requestRate.sample(nowNanos, counters.completed());
        tokenRate.sample(nowNanos, metrics.outputTokens());

        long planned = point.boundedByCount() ? 0 : point.duration().toNanos();
        return Optional.of(new ProgressSnapshot(point.label(), counters.warmupCompleted(),
                point.warmupRequests(), counters.completed(),
                point.boundedByCount() ? point.requests() : 0, counters.inFlight(),
                counters.failed(), requestRate.perSecond(), tokenRate.perSecond(),
                counters.elapsedNanos(), planned, eta(counters, nowNanos, planned)));
    }

    private long eta(PointCounters counters, long nowNanos, long plannedNanos) {
        if (measuredStartNanos < 0) {
            return -1;
        }
        long measuredNanos = nowNanos - measuredStartNanos;
        if (plannedNanos > 0) {
            return Math.max(0, plannedNanos - measuredNanos);
        }
        long left = point.requests() - counters.completed();
        if (left <= 0) {
            return 0;
        }
        double rate = requestRate.perSecond();
        if (!(rate > 0) && counters.completed() > 0 && measuredNanos > 0) {
            rate = counters.completed() * 1e9 / measuredNanos;
        }
        return rate > 0 ? (long) (left / rate * 1e9) : -1;
    }
}
