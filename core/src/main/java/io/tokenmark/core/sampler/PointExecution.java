package io.tokenmark.core.sampler;

import io.tokenmark.core.client.InferenceClient;
import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.workload.RequestSpec;
import io.tokenmark.core.workload.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link LoadPoint} against an {@link InferenceClient} and hands every request's
 * {@link RequestRecord} to a sink. The caller drives it: {@link #create}, {@link #start()}, then
 * {@link #awaitCompletion()}; {@link #stop} ends it early from any thread.
 *
 * <p><b>Requests.</b> Request {@code k} of the point, counted from 0 with warm-up included, sends
 * {@code workload.get(k)}, so every point of a run sends the same specs in the same order. The
 * first {@link LoadPoint#warmupRequests()} requests are flagged {@link RequestRecord#warmup()};
 * the caller keeps them out of results. A workload of at least warm-up plus measured specs
 * therefore never repeats a prompt, which matters to servers with a prefix cache. Request
 * {@code k} gets the id {@code first + k}, where {@code first} is the {@link RunContext}'s next id
 * when the point starts, and is sent with {@code X-Request-Id: tm-<run id>-<request id>}.
 *
 * <p><b>Schedule lag.</b> Every record carries its scheduled time and its dispatch time, so it
 * carries its schedule lag. Open loop schedules each request at its arrival on a precomputed
 * {@link ArrivalSchedule} (built by {@link #create}, before the point starts); closed loop
 * schedules a user's next request at the moment its previous one ended.
 *
 * <p><b>Records.</b> The sink gets exactly one record per dispatched request, including requests
 * that failed, were cancelled, or were rejected by the client. It runs on the thread that ended
 * the request, which is normally a client I/O thread, so it must not block. An exception it
 * throws is logged and counted, and the point goes on. {@link #awaitCompletion()} returns only
 * after the sink has returned for the last record.
 *
 * <p><b>Stopping.</b> A point finishes by itself once its requests are dispatched and have
 * ended. {@link #stop} stops dispatching at once, lets requests in flight finish within a grace
 * period, then cancels the rest through their handles, which yields {@code cancelled} records.
 * When the client does not end a cancelled request within the cancel timeout, the sampler
 * records it as {@code cancelled} itself, so a stop finishes even with such a client.
 *
 * <p><b>Threading.</b> All public methods are thread-safe. {@link #start()} returns after the
 * closed-loop users' first requests were handed to the client, or after the open-loop dispatcher
 * thread was started. One point of a {@link RunContext} runs at a time.
 */
public final class PointExecution {
    /** How long {@link #stop(Duration)} waits for the client to end cancelled requests. */
    public static final Duration DEFAULT_CANCEL_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(PointExecution.class);
    private static final int ABANDONED_IDS_LOGGED = 5;
    private static final long ABANDON_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final Duration MAX_WAIT = Duration.ofNanos(Long.MAX_VALUE / 4);

    private enum State { NEW, RUNNING, FINISHED }

    private final LoadPoint point;
    private final Workload workload;
    private final InferenceClient client;
    private final RunContext run;
    private final Consumer<RequestRecord> sink;
    private final ArrivalSchedule schedule;
    private final Sampler sampler;

    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopRequested;
    private volatile boolean cancelRequested;
    /** Whether the stop thread cancelled at least one request in flight. */
    private volatile boolean cancelledInFlight;
    private volatile PointOutcome outcome;
    private volatile long startNanos;
    private volatile long endNanos;
    private volatile long firstRequestId;

    /** Records not yet delivered, plus 1 while the sampler may still dispatch on its own. */
    private final AtomicInteger outstanding = new AtomicInteger(1);
    /** Requests handed to the client whose record has not been delivered. */
    private final AtomicInteger active = new AtomicInteger();
    private final ConcurrentHashMap<Long, InFlightRequest> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong sequencesUsed = new AtomicLong();

    private final AtomicLong warmupDispatched = new AtomicLong();
    private final AtomicLong warmupCompleted = new AtomicLong();
    private final AtomicLong dispatched = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    /** Earliest and latest measured dispatch, in nanoseconds after the point's start. */
    private final AtomicLong firstMeasuredDispatchOffset = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastMeasuredDispatchOffset = new AtomicLong(-1);
    private final AtomicLong sinkErrors = new AtomicLong();

    private Thread stopper;
    private long cancelAtNanos;
    private long cancelTimeoutNanos;

    private PointExecution(LoadPoint point, Workload workload, InferenceClient client,
            RunContext run, Consumer<RequestRecord> sink) {
        this.point = point;
        this.workload = workload;
        this.client = client;
        this.run = run;
        this.sink = sink;
        if (point.mode() == LoadPoint.Mode.OPEN_LOOP) {
            this.schedule = ArrivalSchedule.forPoint(point, run.seed());
            this.sampler = new OpenLoopSampler(this, point, schedule);
        } else {
            this.schedule = null;
            this.sampler = new ClosedLoopSampler(this, point);
        }
    }

    /**
     * Prepares a point; an open-loop point's arrival schedule is computed here, from the run's
     * seed, so that its cost stays outside the measured run.
     *
     * @param sink receives every record once, usually on a client I/O thread; must not block
     * @throws IllegalArgumentException if the schedule cannot be built
     */
    public static PointExecution create(LoadPoint point, Workload workload, InferenceClient client,
            RunContext run, Consumer<RequestRecord> sink) {
        Objects.requireNonNull(point, "point");
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(sink, "sink");
        return new PointExecution(point, workload, client, run, sink);
    }

    /**
     * Starts dispatching.
     *
     * @throws IllegalStateException if the point was already started or stopped, or another
     *     point of the same run is still running
     */
    public void start() {
        if (!state.compareAndSet(State.NEW, State.RUNNING)) {
            throw new IllegalStateException("point " + point.label()
                    + " cannot start: it was already started or stopped");
        }
        try {
            firstRequestId = run.beginPoint(point.label());
        } catch (IllegalStateException e) {
            state.set(State.NEW);
            throw e;
        }
        LOG.info("Starting point {} of run {}: {}; seed {}, first request id {}",
                point.label(), run.runId(), point.description(), run.seed(), firstRequestId);
        startNanos = System.nanoTime();
        sampler.start(startNanos);
    }

    /**
     * Stops the point with {@link #DEFAULT_CANCEL_TIMEOUT}; see {@link #stop(Duration, Duration)}.
     */
    public void stop(Duration grace) {
        stop(grace, DEFAULT_CANCEL_TIMEOUT);
    }

    /**
     * Stops dispatching at once and ends the point: requests in flight may finish within
     * {@code grace}; those still running then are cancelled through their handles. A request the
     * client has not ended {@code cancelTimeout} after its cancel gets a {@code cancelled}
     * record from the sampler, and a warning is logged. Returns at once; use
     * {@link #awaitCompletion()} to wait for the last record.
     *
     * <p>A later call may shorten the grace period, for example on a second Ctrl-C. A call before
     * {@link #start()} finishes the point with no requests; a call after it finished does
     * nothing.
     *
     * @throws IllegalArgumentException if either duration is negative
     */
    public void stop(Duration grace, Duration cancelTimeout) {
        Objects.requireNonNull(grace, "grace");
        Objects.requireNonNull(cancelTimeout, "cancelTimeout");
        if (grace.isNegative()) {
            throw new IllegalArgumentException(
                    "invalid grace period " + grace + ": must be zero or positive");
        }
        if (cancelTimeout.isNegative()) {
            throw new IllegalArgumentException(
                    "invalid cancel timeout " + cancelTimeout + ": must be zero or positive");
        }

        if (state.compareAndSet(State.NEW, State.FINISHED)) {
            stopRequested = true;
            startNanos = System.nanoTime();
            endNanos = startNanos;
            outcome = PointOutcome.STOPPED;
            LOG.info("Point {} stopped before it started", point.label());
            finished.countDown();
            return;
        }
        if (isFinished()) {
            return;
        }

        stopRequested = true;
        sampler.stopDispatching();
        long cancelAt = System.nanoTime() + cappedNanos(grace);
        synchronized (this) {
            if (stopper == null) {
                cancelAtNanos = cancelAt;
                cancelTimeoutNanos = cappedNanos(cancelTimeout);
                LOG.info("Stopping point {}: dispatching stopped, {} requests in flight get {} ms"
                        + " to finish", point.label(), active.get(), grace.toMillis());
                stopper = new Thread(this::enforceGracePeriod,
                        "tokenmark-stop-" + point.label());
                stopper.setDaemon(true);
                stopper.start();
            } else {
                if (cancelAt - cancelAtNanos < 0) {
                    cancelAtNanos = cancelAt;
                }
                cancelTimeoutNanos = Math.min(cancelTimeoutNanos, cappedNanos(cancelTimeout));
                LockSupport.unpark(stopper);
            }
        }
    }

    /**
     * Waits until every request has ended and its record was delivered.
     *
     * @return how the point ended
     */
    public PointOutcome awaitCompletion() throws InterruptedException {
        finished.await();
        return outcome;
    }

    /**
     * Waits at most {@code timeout} for the point to finish.
     *
     * @return whether it finished
     */
    public boolean awaitCompletion(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Returns whether every request has ended and its record was delivered. */
    public boolean isFinished() {
        return finished.getCount() == 0;
    }

    /** Returns how the point ended, or empty while it runs. */
    public Optional<PointOutcome> outcome() {
        return Optional.ofNullable(outcome);
    }

    /**
     * Returns what the workload, the client or the sampler threw while dispatching, which ended
     * dispatching; empty unless the outcome is {@link PointOutcome#FAILED}.
     */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    public LoadPoint point() {
        return point;
    }

    /** Returns the open-loop arrival schedule, or empty for closed loop. */
    public Optional<ArrivalSchedule> schedule() {
        return Optional.ofNullable(schedule);
    }

    /** Returns a snapshot of the point's progress; see {@link PointCounters} for its accuracy. */
    public PointCounters counters() {
        long measured = dispatched.get();
        long first = firstMeasuredDispatchOffset.get();
        long last = lastMeasuredDispatchOffset.get();
        double achieved = Double.NaN;
        if (measured >= 2 && first != Long.MAX_VALUE && last >= 0) {
            long window = last - first;
            achieved = window <= 0 ? Double.POSITIVE_INFINITY : (measured - 1) * 1e9 / window;
        }
        double requested = point.mode() == LoadPoint.Mode.OPEN_LOOP
                ? point.ratePerSecond() : Double.NaN;
        return new PointCounters(warmupDispatched.get(), warmupCompleted.get(), measured,
                completed.get(), failed.get(), active.get(), requested, achieved, elapsedNanos());
    }

    private long elapsedNanos() {
        State s = state.get();
        if (s == State.NEW) {
            return 0;
        }
        long end = s == State.FINISHED ? endNanos : System.nanoTime();
        return end - startNanos;
    }

    @Override
    public String toString() {
        return "PointExecution[" + point.label() + ", " + state.get()
                + (outcome == null ? "" : ", " + outcome) + "]";
    }

    // ---- called by samplers ----

    /** Returns whether samplers may dispatch: not stopped and no dispatch has failed. */
    boolean dispatchAllowed() {
        return !stopRequested && failure.get() == null;
    }

    /** Returns the number of requests handed to the client whose record is not delivered. */
    int active() {
        return active.get();
    }

    /**
     * Sends request {@code sequence} of the point, scheduled at {@code scheduledNanos}.
     *
     * @return false if the workload or the client threw, which fails the point
     */
    boolean dispatch(long sequence, long scheduledNanos) {
        long requestId = firstRequestId + sequence;
        sequencesUsed.accumulateAndGet(sequence + 1, Math::max);
        RequestSpec spec;
        try {
            spec = Objects.requireNonNull(workload.get(sequence), "workload returned null");
        } catch (RuntimeException e) {
            fail("the workload threw for sequence " + sequence + " (request "
                    + run.headerRequestId(requestId) + ")", e);
            return false;
        }

        boolean warmup = sequence < point.warmupRequests();
        active.incrementAndGet();
        outstanding.incrementAndGet();
        long dispatchNanos = System.nanoTime();
        InFlightRequest request = new InFlightRequest(
                this, requestId, warmup, spec, scheduledNanos, dispatchNanos);
        inFlight.put(requestId, request);
        countDispatch(warmup, dispatchNanos);

        try {
            request.handle(client.send(run.headerRequestId(requestId), spec, request));
        } catch (RuntimeException e) {
            fail("the client rejected request " + run.headerRequestId(requestId), e);
            request.abandon("the client rejected the request: " + e);
            return false;
        }
        // A stop that cancelled everything in flight while send ran could not reach this handle.
        if (cancelRequested) {
            request.cancel();
        }
        return true;
    }

    private void countDispatch(boolean warmup, long dispatchNanos) {
        if (warmup) {
            warmupDispatched.incrementAndGet();
            return;
        }
        dispatched.incrementAndGet();
        // Offsets from the start are never negative, unlike nanoTime values, so min and max work.
        long offset = dispatchNanos - startNanos;
        firstMeasuredDispatchOffset.accumulateAndGet(offset, Math::min);
        lastMeasuredDispatchOffset.accumulateAndGet(offset, Math::max);
    }

    /** Drops the sampler's own hold on the point, once it will dispatch nothing on its own. */
    void releaseStartReservation() {
        releaseOutstanding();
    }

    /**
     * Lets the sampler react to a request's end, then delivers its record; called once per
     * request. The sampler goes first, so that a closed-loop user's next request is dispatched
     * before the sink runs. Whatever the sink does, and any thread it wakes, then cannot delay
     * that dispatch.
     */
    void requestEnded(InFlightRequest request, RequestRecord record) {
        inFlight.remove(request.requestId());
        if (record.warmup()) {
            warmupCompleted.incrementAndGet();
        } else {
            completed.incrementAndGet();
            if (!record.success()) {
                failed.incrementAndGet();
            }
        }

        active.decrementAndGet();
        long now = System.nanoTime();
        long freedAt = record.endNanos() - now > 0 ? now : record.endNanos();
        try {
            sampler.requestEnded(freedAt);
        } catch (RuntimeException e) {
            fail("the sampler threw after request " + run.headerRequestId(record.requestId())
                    + " ended", e);
        } catch (Error e) {
            fail("the sampler threw after request " + run.headerRequestId(record.requestId())
                    + " ended", e);
            throw e;
        } finally {
            deliver(record);
            releaseOutstanding();
        }
    }

    String headerRequestId(long requestId) {
        return run.headerRequestId(requestId);
    }

    // ---- internals ----

    private void deliver(RequestRecord record) {
        try {
            sink.accept(record);
        } catch (RuntimeException e) {
            if (sinkErrors.incrementAndGet() == 1) {
                LOG.error("Record sink of point {} threw for request {}; the point continues,"
                        + " and later sink errors are only counted", point.label(),
                        run.headerRequestId(record.requestId()), e);
            }
        }
    }

    /** Records the first failure, which ends dispatching, and wakes the dispatcher. */
    void fail(String reason, Throwable e) {
        if (failure.compareAndSet(null, e)) {
            LOG.error("Point {}: {}; dispatching stops and requests in flight finish",
                    point.label(), reason, e);
        }
        sampler.stopDispatching();
    }

    private void releaseOutstanding() {
        if (outstanding.decrementAndGet() == 0) {
            finish();
        }
    }

    private void finish() {
        endNanos = System.nanoTime();
        if (failure.get() != null) {
            outcome = PointOutcome.FAILED;
        } else if (stopRequested && (cancelledInFlight || !sampler.dispatchedAll())) {
            outcome = PointOutcome.STOPPED;
        } else {
            outcome = PointOutcome.COMPLETED;
        }
        state.set(State.FINISHED);
        run.endPoint(sequencesUsed.get());
        logEnd();
        finished.countDown();

        Thread s;
        synchronized (this) {
            s = stopper;
        }
        if (s != null) {
            LockSupport.unpark(s);
        }
    }

    private void logEnd() {
        PointCounters c = counters();
        LOG.info("Point {} {} after {} ms: {} requests dispatched, {} failed, {} warm-up;"
                + " achieved {} req/s (requested {})", point.label(),
                outcome.name().toLowerCase(Locale.ROOT), c.elapsedNanos() / 1_000_000,
                c.dispatched(), c.failed(), c.warmupDispatched(),
                formatRate(c.achievedRatePerSecond()), formatRate(c.requestedRatePerSecond()));
        long errors = sinkErrors.get();
        if (errors > 0) {
            LOG.error("Record sink of point {} threw for {} of its records", point.label(), errors);
        }
    }

    private static String formatRate(double rate) {
        if (Double.isNaN(rate)) {
            return "n/a";
        }
        if (Double.isInfinite(rate)) {
            return "inf";
        }
        return String.format(Locale.ROOT, "%.3f", rate);
    }

    /**
     * Runs on the stop thread: waits out the grace period, cancels what is still in flight, and
     * after the cancel timeout ends whatever the client still has not ended.
     */
    private void enforceGracePeriod() {
        if (!parkUntilFinishedOr(() -> cancelAtNanos)) {
            return;
        }

        cancelRequested = true;
        int cancelled = 0;
        for (InFlightRequest request : inFlight.values()) {
            cancelledInFlight = true;
            request.cancel();
            cancelled++;
        }
        LOG.info("Point {}: grace period over, cancelling {} requests still in flight",
                point.label(), cancelled);

        long abandonAt = System.nanoTime() + cancelTimeout();
        if (!parkUntilFinishedOr(() -> abandonAt)) {
            return;
        }
        abandonRemaining();
    }

    private synchronized long cancelTimeout() {
        return cancelTimeoutNanos;
    }

    /** Parks until the point finishes or the deadline passes; returns false if it finished. */
    private boolean parkUntilFinishedOr(java.util.function.LongSupplier deadline) {
        while (!isFinished()) {
            long remaining;
            synchronized (this) {
                remaining = deadline.getAsLong() - System.nanoTime();
            }
            if (remaining <= 0) {
                return true;
            }
            LockSupport.parkNanos(this, remaining);
        }
        return false;
    }

    private void abandonRemaining() {
        List<String> ids = new ArrayList<>();
        int abandoned = 0;
        while (!isFinished()) {
            for (InFlightRequest request : inFlight.values()) {
                String message = "the client did not end the request within "
                        + TimeUnit.NANOSECONDS.toMillis(cancelTimeout()) + " ms of its cancel";
                if (request.abandon(message)) {
                    abandoned++;
                    if (ids.size() < ABANDONED_IDS_LOGGED) {
                        ids.add(run.headerRequestId(request.requestId()));
                    }
                }
            }
            if (!isFinished()) {
                // A dispatch that was under way when the stop came may still add a request.
                LockSupport.parkNanos(this, ABANDON_RETRY_NANOS);
            }
        }
        if (abandoned > 0) {
            LOG.warn("Point {}: the client did not end {} cancelled requests in time (first: {});"
                    + " recorded them as cancelled", point.label(), abandoned, ids);
        }
    }

    /**
     * Converts a wait to nanoseconds, capped at about 73 years so that {@code nanoTime() + wait}
     * stays comparable by subtraction.
     */
    private static long cappedNanos(Duration wait) {
        return wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT.toNanos() : wait.toNanos();
    }
}
