package io.tokenmark.jmh.reliability;

import io.netty.util.ResourceLeakDetector;
import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.core.metric.Slo;
import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.report.OutputLayout;
import io.tokenmark.core.report.RunMetadata;
import io.tokenmark.core.run.BenchmarkRun;
import io.tokenmark.core.run.RunOutcome;
import io.tokenmark.core.run.RunResult;
import io.tokenmark.core.sampler.LoadPoint;
import io.tokenmark.core.sampler.PointCounters;
import io.tokenmark.core.sampler.PointExecution;
import io.tokenmark.core.sampler.Sweep;
import io.tokenmark.core.workload.FixedPromptWorkload;
import io.tokenmark.netty.NettyInferenceClient;
import io.tokenmark.simulator.Simulator;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.fault.Fault;
import io.tokenmark.simulator.fault.FaultPlan;
import io.tokenmark.simulator.profile.Profiles;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The soak: a closed-loop point of 1,000 users for 2 minutes against the embedded simulator,
 * which injects a mix of faults into 5% of the requests, with the Netty client driven by
 * {@link BenchmarkRun}. {@link SoakTest} runs it twice, in fresh JVMs:
 *
 * <ul>
 *   <li>with {@code -Dio.netty.leakDetection.level=paranoid}, so that every buffer of the client
 *       and the simulator is tracked and any buffer collected unreleased is reported;</li>
 *   <li>with {@code -Dio.netty.leakDetection.level=disabled}, to measure the heap. Paranoid
 *       tracking keeps a stack trace for every access to a live buffer, and those records grow
 *       the heap by several MiB per minute on their own (class histograms of the paranoid runs
 *       show {@code ResourceLeakDetector$TraceRecord} instances and their stack-trace arrays as
 *       the growth), which would hide the client's own trend.</li>
 * </ul>
 *
 * <p>A run passes (exit status 0) when:
 * <ul>
 *   <li>the run completes;</li>
 *   <li>Netty reports no leaked {@code ByteBuf}, during the run or after everything closed;</li>
 *   <li>with leak detection disabled, the heap is flat after warm-up: the least-squares slope of
 *       the used heap, sampled after a full collection every {@value #SAMPLE_SECONDS} s from
 *       {@value #WARMUP_SECONDS} s until dispatching stops, is below
 *       {@value #MAX_HEAP_SLOPE_MIB_PER_MINUTE} MiB per minute (with detection on, the slope is
 *       printed only);</li>
 *   <li>the failures are explained by the injected faults: the failures per error kind match
 *       the faults the simulator's seeded plan gave to the requests it received, mapped to the
 *       kind each fault causes, except for at most
 *       {@value #MAX_UNEXPLAINED_FAILURE_SHARE} of the requests. That margin covers requests
 *       whose response was late past the read timeout on an overloaded machine.</li>
 * </ul>
 * It prints the figures ({@code figure <name> <value>} lines and the heap samples) and, on
 * failure, why.
 *
 * <p>Each stream gets its first token after 500 ms and then one token every 200 ms, 16 tokens in
 * all, so 1,000 streams ask for about 4,500 token events per second: enough to churn buffers and
 * connections, little enough for two loaded cores with paranoid leak tracking.
 *
 * <p>Arguments, all optional: {@code <seconds> <users> <out folder>}, default {@code 120 1000}
 * and a folder under {@code java.io.tmpdir}.
 */
public final class SoakMain {
    static final int SAMPLE_SECONDS = 5;
    static final int WARMUP_SECONDS = 30;
    static final double MAX_HEAP_SLOPE_MIB_PER_MINUTE = 2.0;
    static final double MAX_UNEXPLAINED_FAILURE_SHARE = 0.001;
    static final double FAULT_SHARE = 0.05;
    static final int MAX_TOKENS = 16;
    static final long READ_TIMEOUT_MILLIS = 20_000;
    static final long REQUEST_TIMEOUT_MILLIS = 30_000;
    static final int MAX_EVENT_BYTES = 32 * 1024;

    /** The injected faults, each equally likely, with the error kind each must cause. */
    static final Map<String, String> FAULT_KINDS = Map.ofEntries(
            Map.entry("http_429", "http_429"),
            Map.entry("http_500", "http_500"),
            Map.entry("http_503", "http_503"),
            Map.entry("error_after=0", "stream_error"),
            Map.entry("error_after=5", "stream_error"),
            Map.entry("reset_after=3", "connection_reset"),
            Map.entry("stall_after=2", "read_timeout"),
            Map.entry("close_after=4", "truncated"),
            Map.entry("malformed_after=1", "malformed_event"),
            Map.entry("oversize_after=1;bytes=65536", "malformed_event"),
            Map.entry("headers_never", "read_timeout"),
            Map.entry("trickle=50", "cancelled"));

    private SoakMain() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 120;
        int users = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        Path out = args.length > 2 ? Path.of(args[2])
                : Path.of(System.getProperty("java.io.tmpdir"), "tokenmark-soak-" + System.nanoTime());
        ByteBufLeakCheck.listen();
        BoundedMemoryMain.figure("leak_detection", ResourceLeakDetector.getLevel().name());

        List<Fault> faults = new ArrayList<>();
        for (String fault : new TreeMap<>(FAULT_KINDS).keySet()) {
            faults.add(Fault.parse(fault));
        }
        FaultPlan plan = new FaultPlan(FAULT_SHARE, faults, 7);
        SimulatorOptions simulatorOptions = SimulatorOptions.builder()
                .profile(Profiles.fixed(Duration.ofMillis(500), Duration.ofMillis(200)))
                .faultPlan(plan)
                .groundTruthCapacity(0)
                .build();
        List<String> problems = new ArrayList<>();
        List<double[]> heapSamples;
        Summary summary;
        RunResult result;
        long leaksDuringRun;

        try (Simulator simulator = Simulator.start(simulatorOptions);
                NettyInferenceClient client = NettyInferenceClient.create(
                        ClientOptions.builder(simulator.baseUrl())
                                .model(simulator.modelName())
                                .readTimeoutMillis(READ_TIMEOUT_MILLIS)
                                .requestTimeoutMillis(REQUEST_TIMEOUT_MILLIS)
                                .maxEventBytes(MAX_EVENT_BYTES)
                                .build())) {
            LoadPoint point = LoadPoint.closedLoop(users)
                    .duration(Duration.ofSeconds(seconds)).build();
            FixedPromptWorkload workload =
                    new FixedPromptWorkload(EndToEndRun.PROMPT, MAX_TOKENS);
            BenchmarkRun run = BenchmarkRun.builder()
                    .client(client)
                    .workload(workload)
                    .sweep(Sweep.of(point))
                    .layout(OutputLayout.of(out, "soak"))
                    .metadata(new RunMetadata("soak", Instant.now(), "test",
                            simulator.baseUrl().toString(), simulator.modelName(), "chat",
                            "fixed", workload.description(), point.description(), Slo.none(),
                            RunMetadata.Host.current(), Map.of()))
                    .targetSharesHost(true)
                    .build();

            HeapSampler sampler = new HeapSampler(run);
            Thread samplerThread = new Thread(sampler, "heap-sampler");
            samplerThread.setDaemon(true);
            samplerThread.start();
            result = run.run();
            sampler.stop();
            samplerThread.interrupt();
            samplerThread.join();
            heapSamples = sampler.samples();
            summary = result.summaries().get(0);
            leaksDuringRun = ByteBufLeakCheck.collectLeaks().size();
        }
        List<String> leaksAfterClose = ByteBufLeakCheck.collectLeaks();

        Map<String, Long> expected = expectedFailures(plan, summary.totalRequests());
        double slope = slopeMibPerMinute(heapSamples, WARMUP_SECONDS, seconds);
        printFigures(seconds, users, out, summary, expected, heapSamples, slope,
                leaksDuringRun + leaksAfterClose.size());

        if (result.outcome() != RunOutcome.COMPLETED) {
            problems.add("the run ended " + result.outcome() + ": " + result.failure());
        }
        if (leaksDuringRun + leaksAfterClose.size() > 0) {
            problems.add((leaksDuringRun + leaksAfterClose.size()) + " ByteBuf leak reports:\n"
                    + String.join("\n\n", leaksAfterClose));
        }
        boolean tracking = ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.DISABLED;
        if (!tracking && !(slope < MAX_HEAP_SLOPE_MIB_PER_MINUTE)) {
            problems.add(String.format(Locale.ROOT, "the heap grew %.2f MiB per minute after"
                    + " warm-up; the limit is %.1f", slope, MAX_HEAP_SLOPE_MIB_PER_MINUTE));
        }
        long unexplained = unexplainedFailures(summary.failuresByError(), expected);
        BoundedMemoryMain.figure("unexplained_failures", Long.toString(unexplained));
        if (unexplained > MAX_UNEXPLAINED_FAILURE_SHARE * summary.totalRequests()) {
            problems.add(unexplained + " failures are not explained by the injected faults:"
                    + " failures by kind " + summary.failuresByError() + ", injected " + expected);
        }
        for (String problem : problems) {
            System.out.println("SOAK FAILED: " + problem);
        }
        System.out.println(problems.isEmpty() ? "SOAK PASSED" : "SOAK FAILED");
        System.exit(problems.isEmpty() ? 0 : 1);
    }

    /** Returns the failures per error kind that the plan's faults cause among {@code requests}. */
    static Map<String, Long> expectedFailures(FaultPlan plan, long requests) {
        Map<String, Long> expected = new TreeMap<>();
        for (long arrival = 0; arrival < requests; arrival++) {
            Fault fault = plan.choose(arrival);
            if (!fault.isNone()) {
                expected.merge(FAULT_KINDS.get(fault.toString()), 1L, Long::sum);
            }
        }
        return expected;
    }

    /** Returns the failures beyond the injected ones, summed over the error kinds. */
    static long unexplainedFailures(Map<String, Long> actual, Map<String, Long> expected) {
        long unexplained = 0;
        for (Map.Entry<String, Long> kind : actual.entrySet()) {
            unexplained += Math.max(0, kind.getValue() - expected.getOrDefault(kind.getKey(), 0L));
        }
        return unexplained;
    }

    /**
     * Returns the least-squares slope in MiB per minute of the samples ({seconds, MiB}) taken
     * from {@code fromSeconds} to {@code toSeconds}, while the load is steady; {@code NaN} with
     * fewer than two.
     */
    static double slopeMibPerMinute(List<double[]> samples, double fromSeconds, double toSeconds) {
        List<double[]> used = samples.stream()
                .filter(s -> s[0] >= fromSeconds && s[0] <= toSeconds).toList();
        int n = used.size();
        if (n < 2) {
            return Double.NaN;
        }
        double meanX = used.stream().mapToDouble(s -> s[0]).average().orElseThrow();
        double meanY = used.stream().mapToDouble(s -> s[1]).average().orElseThrow();
        double covariance = 0;
        double variance = 0;
        for (double[] sample : used) {
            covariance += (sample[0] - meanX) * (sample[1] - meanY);
            variance += (sample[0] - meanX) * (sample[0] - meanX);
        }
        return covariance / variance * 60;
    }

    private static void printFigures(int seconds, int users, Path out, Summary summary,
            Map<String, Long> expected, List<double[]> heapSamples, double slope, long leaks) {
        BoundedMemoryMain.figure("planned_seconds", Integer.toString(seconds));
        BoundedMemoryMain.figure("users", Integer.toString(users));
        BoundedMemoryMain.figure("duration_seconds", format(summary.durationSeconds()));
        BoundedMemoryMain.figure("requests", Long.toString(summary.totalRequests()));
        BoundedMemoryMain.figure("succeeded", Long.toString(summary.succeededRequests()));
        BoundedMemoryMain.figure("failed_by_error", summary.failuresByError().toString());
        BoundedMemoryMain.figure("injected_by_error", expected.toString());
        BoundedMemoryMain.figure("peak_concurrent_requests",
                Long.toString(summary.peakConcurrentRequests()));
        BoundedMemoryMain.figure("output_tokens_per_second",
                format(summary.outputTokenThroughput()));
        BoundedMemoryMain.figure("heap_slope_mib_per_minute", format(slope));
        BoundedMemoryMain.figure("leak_reports", Long.toString(leaks));
        BoundedMemoryMain.figure("max_heap_mib",
                BoundedMemoryMain.mebibytes(Runtime.getRuntime().maxMemory()));
        BoundedMemoryMain.figure("output_folder", out.toString());
        System.out.println("heap after full GC (seconds, MiB, requests in flight):");
        for (double[] sample : heapSamples) {
            System.out.println(String.format(Locale.ROOT, "  %6.1f  %7.1f  %5.0f",
                    sample[0], sample[1], sample[2]));
        }
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /**
     * Every {@value #SAMPLE_SECONDS} s: runs a full collection and records the seconds since
     * start, the used heap in MiB and the requests in flight.
     */
    private static final class HeapSampler implements Runnable {
        private final BenchmarkRun run;
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private final List<double[]> samples = new ArrayList<>();
        private final long startNanos = System.nanoTime();
        private volatile boolean running = true;

        HeapSampler(BenchmarkRun run) {
            this.run = run;
        }

        @Override
        public void run() {
            long next = startNanos;
            while (running) {
                next += Duration.ofSeconds(SAMPLE_SECONDS).toNanos();
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (!running) {
                    return;
                }
                double inFlight = run.currentPoint().map(PointExecution::counters)
                        .map(PointCounters::inFlight).orElse(0L);
                System.gc();
                double mib = memory.getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
                synchronized (samples) {
                    samples.add(new double[] {(System.nanoTime() - startNanos) / 1e9, mib, inFlight});
                }
            }
        }

        void stop() {
            running = false;
        }

        List<double[]> samples() {
            synchronized (samples) {
                return new ArrayList<>(samples);
            }
        }
    }
}
