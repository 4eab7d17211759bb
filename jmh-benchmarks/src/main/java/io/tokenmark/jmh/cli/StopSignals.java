package io.tokenmark.jmh.cli;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Delivers stop requests (Ctrl-C) to a running command, which then stops measuring, writes what
 * it has and returns.
 *
 * <p>{@link #shutdownHook()} is the real one. On SIGINT or SIGTERM the JVM runs its shutdown
 * hooks while the command's thread goes on; the hook calls the stop action and then waits, up to
 * a limit, until the command closes its {@link Registration}, so results are written before the
 * JVM exits. The JVM then exits with 128 plus the signal number: 130 for SIGINT, 143 for
 * SIGTERM. A second Ctrl-C during that wait has no effect, because the JVM is already shutting
 * down; the limit bounds the wait instead.
 */
public interface StopSignals {
    /**
     * Registers {@code onStop}, which runs once, on its own thread, when a stop is requested.
     *
     * @param maxWait how long a stop may wait for {@link Registration#close()} before the process
     *     exits anyway
     */
    Registration register(Runnable onStop, Duration maxWait);

    /** A registered stop action. */
    interface Registration extends AutoCloseable {
        /** Returns whether a stop was requested. */
        boolean stopRequested();

        /**
         * Unregisters the action and lets a waiting stop go on; call it after the results are
         * written. Idempotent.
         */
        @Override
        void close();
    }

    /** Returns stop requests from SIGINT and SIGTERM, through a JVM shutdown hook. */
    static StopSignals shutdownHook() {
        return HookRegistration::new;
    }

    /** Returns stop requests that only {@link Manual#requestStop()} sends; for tests. */
    static Manual manual() {
        return new Manual();
    }

    /** Stop requests sent by calling {@link #requestStop()}. */
    final class Manual implements StopSignals {
        private final List<Runnable> actions = new CopyOnWriteArrayList<>();

        private Manual() {
        }

        @Override
        public Registration register(Runnable onStop, Duration maxWait) {
            ManualRegistration registration = new ManualRegistration(onStop);
            actions.add(registration::fire);
            return registration;
        }

        /** Runs every registered action on a new thread each, and returns at once. */
        public void requestStop() {
            for (Runnable action : actions) {
                Thread thread = new Thread(action, "tokenmark-manual-stop");
                thread.setDaemon(true);
                thread.start();
            }
        }
    }

    /** The registration of {@link Manual}. */
    final class ManualRegistration implements Registration {
        private final Runnable onStop;
        private volatile boolean stopRequested;
        private volatile boolean closed;

        private ManualRegistration(Runnable onStop) {
            this.onStop = onStop;
        }

        private void fire() {
            if (!closed) {
                stopRequested = true;
                onStop.run();
            }
        }

        @Override
        public boolean stopRequested() {
            return stopRequested;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** The registration of {@link #shutdownHook()}. */
    final class HookRegistration implements Registration {
        private final CountDownLatch closed = new CountDownLatch(1);
        private final Thread hook;
        private volatile boolean stopRequested;

        private HookRegistration(Runnable onStop, Duration maxWait) {
            this.hook = new Thread(() -> {
                stopRequested = true;
                onStop.run();
                try {
                    closed.await(maxWait.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "tokenmark-stop");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        @Override
        public boolean stopRequested() {
            return stopRequested;
        }

        @Override
        public void close() {
            closed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is shutting down and runs the hook already; it returns once closed.
            }
        }
    }
}
