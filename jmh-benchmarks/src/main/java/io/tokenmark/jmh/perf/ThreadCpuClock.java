package io.tokenmark.jmh.perf;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * Reads the CPU time of the live threads whose name starts with a prefix, such as the client's
 * {@code tokenmark-io-} event loops, through {@link ThreadMXBean}. Each read is one system call
 * per thread, so read it at the start and end of a measurement window, not per event.
 *
 * <p>A thread that ended between two reads takes its CPU time with it, so measure threads that
 * live through the window. Thread-safe.
 */
public final class ThreadCpuClock {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final String namePrefix;

    /**
     * @param namePrefix the start of the names of the threads to sum
     * @throws UnsupportedOperationException if this JVM cannot measure thread CPU time
     */
    public ThreadCpuClock(String namePrefix) {
        if (!THREADS.isThreadCpuTimeSupported()) {
            throw new UnsupportedOperationException(
                    "this JVM does not measure thread CPU time, so CPU figures are unavailable");
        }
        if (!THREADS.isThreadCpuTimeEnabled()) {
            THREADS.setThreadCpuTimeEnabled(true);
        }
        this.namePrefix = namePrefix;
    }

    /** Returns the summed CPU time, user and system, of the matching live threads, in ns. */
    public long cpuNanos() {
        long sum = 0;
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(namePrefix)) {
                long nanos = THREADS.getThreadCpuTime(info.getThreadId());
                if (nanos > 0) {
                    sum += nanos;
                }
            }
        }
        return sum;
    }

    /** Returns the number of live threads whose name starts with the prefix. */
    public int threads() {
        int threads = 0;
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(namePrefix)) {
                threads++;
            }
        }
        return threads;
    }

    /** Returns the CPU time of the whole process, all threads, in ns; -1 when unavailable. */
    public static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
