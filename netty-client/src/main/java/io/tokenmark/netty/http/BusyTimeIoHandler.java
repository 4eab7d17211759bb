package io.tokenmark.netty.http;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ThreadAwareExecutor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Wraps Netty's epoll or NIO {@link IoHandler} and counts the nanoseconds its event loop is busy:
 * handling ready channels (socket reads and the listener callbacks they run, flushes of pending
 * writes) and running tasks (request writes, cancellations, timers). Time spent waiting for
 * readiness in {@code epoll_wait} or {@code select} is not counted.
 *
 * <p><b>How.</b> The event loop of Netty 4.2 ({@code SingleThreadIoEventLoop}, checked in
 * 4.2.18) alternates {@link #run} (wait, then handle what is ready) with its task queue. The
 * epoll and NIO handlers time the handling part themselves and report it through
 * {@link IoHandlerContext#reportActiveIoTime} when the context requests it, which this wrapper
 * does.
 * The task part is the time from the end of one {@code run} to the start of the next. That is two
 * {@link System#nanoTime()} calls per loop iteration here and two more in the wrapped handler
 * when channels were ready, never one per token event. On Linux with the usual {@code tsc} or
 * {@code kvm-clock} clock source, {@code nanoTime} reads the clock through the vDSO, without a
 * system call.
 *
 * <p><b>Accuracy.</b> A segment is added when it ends, so a reader misses the segment in
 * progress: at most one loop iteration. The count is wall time on the loop thread. So it also
 * includes time the operating system took the thread off its core while it was busy, which
 * delays the streams just the same.
 *
 * <p><b>Threading:</b> the counters are written by the event-loop thread only and read from any
 * thread.
 */
final class BusyTimeIoHandler implements IoHandler {
    private final IoHandler delegate;
    private final ActiveTimeContext context = new ActiveTimeContext();
    /** Busy nanoseconds so far; written only by the event-loop thread. */
    private volatile long busyNanos;
    /** {@code System.nanoTime()} when the previous {@link #run} returned, or -1 before it. */
    private long previousRunEndNanos = -1;

    private BusyTimeIoHandler(IoHandler delegate) {
        this.delegate = delegate;
    }

    /**
     * Returns a factory that wraps each handler {@code delegate} creates and adds the wrapper to
     * {@code created}, where a reader sums {@link #busyNanos()}.
     */
    static IoHandlerFactory wrap(IoHandlerFactory delegate, List<BusyTimeIoHandler> created) {
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor executor) {
                BusyTimeIoHandler handler = new BusyTimeIoHandler(delegate.newHandler(executor));
                created.add(handler);
                return handler;
            }

            @Override
            public boolean isChangingThreadSupported() {
                return delegate.isChangingThreadSupported();
            }
        };
    }

    /** Returns a list to pass to {@link #wrap} that is safe to read while loops start. */
    static List<BusyTimeIoHandler> newRegistry() {
        return new CopyOnWriteArrayList<>();
    }

    /** Returns the busy nanoseconds of this handler's event loop since it started. */
    long busyNanos() {
        return busyNanos;
    }

    @Override
    public int run(IoHandlerContext outer) {
        long start = System.nanoTime();
        long busy = busyNanos;
        if (previousRunEndNanos >= 0) {
            busy += start - previousRunEndNanos;
        }
        context.outer = outer;
        context.activeNanos = 0;
        int handled = delegate.run(context);
        previousRunEndNanos = System.nanoTime();
        busyNanos = busy + context.activeNanos;
        return handled;
    }

    @Override
    public void initialize() {
        delegate.initialize();
    }

    @Override
    public void prepareToDestroy() {
        delegate.prepareToDestroy();
    }

    @Override
    public void destroy() {
        delegate.destroy();
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        return delegate.register(handle);
    }

    @Override
    public void wakeup() {
        delegate.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return delegate.isCompatible(handleType);
    }

    /**
     * The context the wrapped handler runs with: the event loop's own, plus the request to
     * report active I/O time, which it sums and also passes on when the event loop requests it.
     */
    private static final class ActiveTimeContext implements IoHandlerContext {
        IoHandlerContext outer;
        long activeNanos;

        @Override
        public boolean canBlock() {
            return outer.canBlock();
        }

        @Override
        public long delayNanos(long currentTimeNanos) {
            return outer.delayNanos(currentTimeNanos);
        }

        @Override
        public long deadlineNanos() {
            return outer.deadlineNanos();
        }

        @Override
        public boolean shouldReportActiveIoTime() {
            return true;
        }

        @Override
        public void reportActiveIoTime(long nanos) {
            activeNanos += nanos;
            if (outer.shouldReportActiveIoTime()) {
                outer.reportActiveIoTime(nanos);
            }
        }
    }
}
