package io.tokenmark.core.sampler;

import java.util.concurrent.locks.LockSupport;

/**
 * Open loop: one dispatcher thread sends each arrival of a precomputed {@link ArrivalSchedule}
 * at its absolute time, optionally held back by a maximum concurrency.
 *
 * <p>To reach each send time, the dispatcher parks with {@link LockSupport#parkNanos} until
 * {@value #SPIN_NANOS} ns before it, then spins on {@link System#nanoTime()}. Parking alone
 * wakes tens of microseconds late on Linux, whose default timer slack is 50 µs. The spin removes
 * that delay at the cost of up to {@value #SPIN_NANOS} ns of CPU per arrival.
 *
 * <p>NOTE: when arrivals are less than {@value #SPIN_NANOS} ns apart (the mean gap at 10,000
 * requests per second), the dispatcher spins without pause and keeps one core busy.
 *
 * <p>With a maximum concurrency, an arrival that finds that many requests in flight waits
 * until one ends; its scheduled time stays the arrival time, so the wait is reported as schedule
 * lag. Later arrivals queue behind it in order.
 */
final class OpenLoopSampler implements Sampler {
    /** How long before a send time the dispatcher stops parking and spins. */
    static final long SPIN_NANOS = 100_000;

    private final PointExecution execution;
    private final ArrivalSchedule schedule;
    private final int maxConcurrency;

    private volatile Thread dispatcher;
    private volatile boolean waitingForSlot;
    private volatile boolean dispatchedAll;

    OpenLoopSampler(PointExecution execution, LoadPoint point, ArrivalSchedule schedule) {
        this.execution = execution;
        this.schedule = schedule;
        this.maxConcurrency = point.maxConcurrency();
    }

    @Override
    public void start(long startNanos) {
        Thread thread = new Thread(() -> dispatchAll(startNanos),
                "tokenmark-dispatcher-" + execution.point().label());
        thread.setDaemon(true);
        dispatcher = thread;
        try {
            thread.start();
        } catch (RuntimeException | Error e) {
            execution.releaseStartReservation();
            throw e;
        }
    }

    private void dispatchAll(long startNanos) {
        try {
            for (int i = 0; i < schedule.size(); i++) {
                long sendAt = startNanos + schedule.offsetNanos(i);
                if (!awaitTime(sendAt) || !awaitSlot()) {
                    break;
                }
                if (!execution.dispatch(i, sendAt)) {
                    break;
                }
                if (i == schedule.size() - 1) {
                    dispatchedAll = true;
                }
            }
        } catch (RuntimeException | Error e) {
            execution.fail("the dispatcher thread threw", e);
            throw e;
        } finally {
            execution.releaseStartReservation();
        }
    }

    /** Waits until {@code sendAt}; returns false if dispatching stopped first. */
    private boolean awaitTime(long sendAt) {
        while (true) {
            if (!execution.dispatchAllowed()) {
                return false;
            }
            long remaining = sendAt - System.nanoTime();
            if (remaining <= 0) {
                return true;
            }
            if (remaining > SPIN_NANOS) {
                LockSupport.parkNanos(this, remaining - SPIN_NANOS);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Waits until fewer requests than the maximum concurrency are in flight; returns false if
     * dispatching stopped first.
     */
    private boolean awaitSlot() {
        if (maxConcurrency == 0 || execution.active() < maxConcurrency) {
            return true;
        }
        // requestEnded decrements the active count before it reads waitingForSlot, and this
        // thread sets waitingForSlot before it rereads the count, so no wake-up is lost.
        waitingForSlot = true;
        try {
            while (execution.active() >= maxConcurrency) {
                if (!execution.dispatchAllowed()) {
                    return false;
                }
                LockSupport.park(this);
            }
            // A stop cancels the requests in flight, which frees slots: check again, or the
            // freed slot would let one more request out after the stop.
            return execution.dispatchAllowed();
        } finally {
            waitingForSlot = false;
        }
    }

    @Override
    public void requestEnded(long freedAtNanos) {
        if (waitingForSlot) {
            LockSupport.unpark(dispatcher);
        }
    }

    @Override
    public boolean dispatchedAll() {
        return dispatchedAll;
    }

    @Override
    public void stopDispatching() {
        Thread thread = dispatcher;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }
}
