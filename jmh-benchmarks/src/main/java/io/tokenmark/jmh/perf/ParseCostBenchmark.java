package io.tokenmark.jmh.perf;

import io.tokenmark.jmh.micro.SseChunkDecodeBenchmark;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The per-token parse cost: runs the JMH benchmark {@link SseChunkDecodeBenchmark} (SSE decoding
 * plus OpenAI chunk parsing of a one-token chat chunk from a pooled direct buffer) with JMH's GC
 * profiler and prints the time and the bytes allocated per token event beside their targets.
 *
 * <p>The JMH settings are the benchmark's own (one fork, 5 × 1 s warm-up, 5 × 1 s measurement
 * per combination); one operation is one token event. {@code --methods} narrows the run to a
 * regular expression over the method names.
 *
 * <p>JMH measures wall-clock time, which grows when other processes take the core away. So the
 * run also times {@code oneEventPerRead} with {@code retainText=false} by the thread's CPU time
 * ({@link ThreadMXBean#getCurrentThreadCpuTime()}) in this JVM: 30 blocks of 200,000 events, the
 * first 10 as warm-up, median of the rest. That figure leaves out time the thread waited for a
 * core, though not the slowdown of sharing caches or a core with other work.
 *
 * <p><b>Targets:</b> at most 300 ns and 64 bytes allocated per token event.
 *
 * <pre>
 * java -cp CLASSPATH io.tokenmark.jmh.perf.ParseCostBenchmark [--methods oneEventPerRead]
 * </pre>
 */
public final class ParseCostBenchmark {
    static final String NAME = "ParseCost";
    /** Target time per token event, in ns. */
    static final double TARGET_NANOS = 300;
    /** Target allocation per token event, in bytes. */
    static final double TARGET_BYTES = 64;

    private ParseCostBenchmark() {
    }

    public static void main(String[] args) throws RunnerException {
        String methods = PerfMain.settings("ParseCostBenchmark", args, arguments -> {
            PerfArgs parsed = new PerfArgs(arguments, Set.of("--methods"));
            return parsed.text("--methods", ".*");
        });
        PrintStream out = System.out;
        MachineDescription.print(out);

        Options options = new OptionsBuilder()
                .include(SseChunkDecodeBenchmark.class.getName() + "\\.(" + methods + ")$")
                .addProfiler(GCProfiler.class)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        if (results.isEmpty()) {
            System.err.println("ParseCostBenchmark: no benchmark method matches --methods '"
                    + methods + "': use oneEventPerRead or sixteenEventsPerRead");
            System.exit(2);
        }

        FigureTable table = new FigureTable(NAME);
        for (RunResult result : results) {
            String benchmark = result.getParams().getBenchmark();
            String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            String at = String.format(Locale.ROOT, " %s, retainText=%s", method,
                    result.getParams().getParam("retainText"));
            Result allocation = result.getSecondaryResults().get("gc.alloc.rate.norm");
            table.add(new Figure("time per token event" + at, result.getPrimaryResult().getScore(),
                    "ns", Figure.Target.atMost(TARGET_NANOS)));
            table.add(new Figure("allocated per token event" + at,
                    allocation == null ? Double.NaN : allocation.getScore(), "B",
                    Figure.Target.atMost(TARGET_BYTES)));
        }
        table.add(Figure.info("thread CPU time per token event oneEventPerRead,"
                + " retainText=false", cpuNanosPerEvent(), "ns"));
        table.print(out);
        MachineDescription.printLoadAverage(out, "end");
    }

    /** Returns the median thread CPU time per token event over blocks of events, in ns. */
    static double cpuNanosPerEvent() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isCurrentThreadCpuTimeSupported()) {
            return Double.NaN;
        }
        SseChunkDecodeBenchmark benchmark = new SseChunkDecodeBenchmark();
        benchmark.retainText = false;
        benchmark.setUp();

        int blocks = 30;
        int warmupBlocks = 10;
        int events = 200_000;
        double[] perEvent = new double[blocks - warmupBlocks];
        long sink = 0;
        try {
            for (int block = 0; block < blocks; block++) {
                long start = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < events; i++) {
                    sink += benchmark.oneEventPerRead();
                }
                long cpu = threads.getCurrentThreadCpuTime() - start;
                if (block >= warmupBlocks) {
                    perEvent[block - warmupBlocks] = (double) cpu / events;
                }
            }
        } finally {
            benchmark.tearDown();
        }

        if (sink == 0) {
            throw new IllegalStateException("the CPU-time loop decoded no token event");
        }
        Arrays.sort(perEvent);
        return perEvent[perEvent.length / 2];
    }
}
