package io.tokenmark.jmh.perf;

import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.core.metric.LoadDescription;
import io.tokenmark.core.metric.Metric;
import io.tokenmark.core.metric.MetricsRecorder;
import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.metric.SummaryContext;
import io.tokenmark.core.report.ConsoleTable;
import io.tokenmark.core.sampler.LoadPoint;
import io.tokenmark.core.sampler.PointExecution;
import io.tokenmark.core.sampler.PointOutcome;
import io.tokenmark.core.sampler.RunContext;
import io.tokenmark.core.workload.Workload;
import io.tokenmark.netty.NettyInferenceClient;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scale and schedule lag: an open-loop run that keeps 10,000 concurrent streams open in one
 * client JVM with a heap of at most 1 GiB, and the schedule lag its dispatcher achieves
 * meanwhile.
 *
 * <p><b>Method.</b> A simulator in a child JVM ({@link SimulatorProcess}, {@code fixed} profile)
 * streams {@code --tokens} token events per request, one every {@code --itl-ms} after
 * {@code --ttft-ms}: 11.05 s per stream by default. The client JVM (this one, started with
 * {@code -Xmx1g}) runs one open-loop point of the core sampler at {@code --rate} requests per
 * second with Poisson arrivals (seed 42). At 1,000 requests per second, about 11,050 streams are
 * in flight once the first ones end, a margin over 10,000 for arrivals that leave late. The
 * first {@code --warmup-requests} (11,000: the first eleven seconds) are the ramp. They open one
 * connection each, since almost no stream has ended yet, and are flagged warm-up. The
 * {@code --requests} measured ones that follow arrive while about 11,000 streams run and mostly
 * reuse the connections that ending streams release. A stream counts as
 * concurrent from its response headers to its end ({@link StreamCountingClient}); the garbage
 * collectors report the heap in use after each collection.
 *
 * <p>Schedule lag is each request's send time (its first byte written) minus its scheduled
 * arrival, as every summary reports it. The target applies to the measured requests; the ramp's
 * lag, which includes opening a connection per request, is printed beside it.
 *
 * <p><b>Targets:</b> at least 10,000 concurrent streams, a heap limit of at most 1 GiB, no
 * failed request, and schedule lag p99 at most 1 ms.
 *
 * <pre>
 * java -Xmx1g -cp CLASSPATH io.tokenmark.jmh.perf.ScaleBenchmark [--rate 1000]
 *     [--requests 6000] [--warmup-requests 11000] [--tokens 45] [--itl-ms 250]
 *     [--ttft-ms 50] [--io-threads N]
 * </pre>
 *
 * <p><b>Caveat:</b> the simulator's JVM shares the host, so on a 2-core machine client and server
 * compete for the cores.
 */
public final class ScaleBenchmark {
    static final String NAME = "Scale";
    /** Target concurrent streams. */
    static final double TARGET_STREAMS = 10_000;
    /** Target heap limit, in MiB. */
    static final double TARGET_HEAP_MIB = 1024;
    /** Target schedule lag p99, in ms. */
    static final double TARGET_LAG_P99_MILLIS = 1;

    /** The settings of one run; see the class documentation for their meaning. */
    record Settings(double rate, int requests, int warmupRequests, int tokens, double itlMillis,
            double ttftMillis, int ioThreads) {
        static Settings parse(String[] args) {
            PerfArgs parsed = new PerfArgs(args, Set.of("--rate", "--requests",
                    "--warmup-requests", "--tokens", "--itl-ms", "--ttft-ms", "--io-threads"));
            return new Settings(
                    parsed.positiveDouble("--rate", 1000),
                    parsed.positiveInt("--requests", 6000),
                    parsed.positiveInt("--warmup-requests", 11_000),
                    parsed.positiveInt("--tokens", 45),
                    parsed.positiveDouble("--itl-ms", 250),
                    parsed.positiveDouble("--ttft-ms", 50),
                    parsed.positiveInt("--io-threads",
                            Math.max(1, Runtime.getRuntime().availableProcessors() - 1)));
        }

        /** Nominal length of one stream, in seconds. */
        double streamSeconds() {
            return (ttftMillis + (tokens - 1) * itlMillis) / 1000;
        }
    }

    /**
     * The measurements of one run.
     *
     * @param summary the point's summary, as every run writes it
     * @param outcome how the point ended
     * @param peakStreams most streams open at once, from response headers to end
     * @param failedRequests measured and warm-up requests that failed
     * @param rampLagNanos schedule lag of the warm-up requests, in ns
     * @param heapLimitBytes this JVM's maximum heap
     * @param maxHeapAfterGcBytes most heap in use right after a collection
     * @param collections garbage collections during the run
     * @param collectionMillis their summed duration
     * @param peakResidentBytes the process's peak resident set size, or -1
     */
    record Result(Summary summary, PointOutcome outcome, long peakStreams, long failedRequests,
            SignedSamples rampLagNanos,
            long heapLimitBytes, long maxHeapAfterGcBytes, long collections,
            long collectionMillis, long peakResidentBytes) {
    }

    private ScaleBenchmark() {
    }

    public static void main(String[] args) throws InterruptedException, IOException {
        Settings settings = PerfMain.settings("ScaleBenchmark", args, Settings::parse);
        PrintStream out = System.out;
        MachineDescription.print(out);
        out.printf(Locale.ROOT, "settings: open loop at %.0f req/s (Poisson, seed 42), %,d"
                        + " requests after %,d warm-up, %d token events per stream every %.0f ms"
                        + " after %.0f ms (%.2f s per stream, about %,.0f in flight), %d client"
                        + " I/O threads, simulator in a child JVM%n",
                settings.rate(), settings.requests(), settings.warmupRequests(),
                settings.tokens(), settings.itlMillis(), settings.ttftMillis(),
                settings.streamSeconds(), settings.rate() * settings.streamSeconds(),
                settings.ioThreads());

        Result result = measure(settings);
        out.print(ConsoleTable.format(result.summary()));
        out.printf(Locale.ROOT, "point %s; peak %,d concurrent streams; %d failed; heap limit"
                        + " %d MiB, most in use after a collection %d MiB; %d collections,"
                        + " %d ms; peak resident set %d MiB%n",
                result.outcome(), result.peakStreams(), result.failedRequests(),
                mib(result.heapLimitBytes()), mib(result.maxHeapAfterGcBytes()),
                result.collections(), result.collectionMillis(),
                mib(result.peakResidentBytes()));
        figures(result).print(out);
        MachineDescription.printLoadAverage(out, "end");
    }

    static Result measure(Settings settings) throws InterruptedException, IOException {
        Workload workload = new FixedLengthWorkload(settings.tokens());
        LoadPoint point = LoadPoint.openLoop(settings.rate())
                .requests(settings.requests())
                .warmupRequests(settings.warmupRequests())
                .label("scale")
                .build();

        try (SimulatorProcess simulator = SimulatorProcess.start("2g", settings.ttftMillis(),
                        settings.itlMillis());
                StreamCountingClient client = new StreamCountingClient(
                        NettyInferenceClient.create(ClientOptions.builder(simulator.baseUrl())
                                .model(simulator.modelName())
                                .ioThreads(settings.ioThreads())
                                .build()));
                HeapWatcher heap = new HeapWatcher()) {
            long runStart = System.nanoTime();
            MetricsRecorder metrics = new MetricsRecorder(runStart);
            AtomicLong failed = new AtomicLong();
            SignedSamples rampLag = new SignedSamples();
            PointExecution execution = PointExecution.create(point, workload, client,
                    RunContext.create("scale", 42), (RequestRecord record) -> {
                        if (!record.success()) {
                            failed.incrementAndGet();
                        }
                        if (record.warmup()) {
                            synchronized (rampLag) {
                                rampLag.add(record.scheduleLagNanos());
                            }
                        }
                        metrics.record(record);
                    });

            long busy0 = client.busyNanos();
            long wall0 = System.nanoTime();
            execution.start();
            PointOutcome outcome = execution.awaitCompletion();
            double busyShare = (double) (client.busyNanos() - busy0)
                    / ((System.nanoTime() - wall0) * (double) client.ioThreads());

            LoadDescription load = LoadDescription.openLoop(settings.rate(), 1, null)
                    .withLabel(point.label()).withPlannedRequests(settings.requests());
            Summary summary = metrics.summarize(SummaryContext.of(load)
                    .withComplete(outcome == PointOutcome.COMPLETED)
                    .withEventLoopBusyShare(Math.min(1, Math.max(0, busyShare)))
                    .withTargetSharesHost(true));
            return new Result(summary, outcome, client.peakOpenStreams(), failed.get(), rampLag,
                    Runtime.getRuntime().maxMemory(), heap.maxUsedAfterGcBytes(),
                    heap.collections(), heap.collectionMillis(), HeapWatcher.peakResidentBytes());
        }
    }

    static FigureTable figures(Result result) {
        Summary summary = result.summary();
        return new FigureTable(NAME)
                .add(new Figure("concurrent streams (peak)", result.peakStreams(),
                        "streams", Figure.Target.atLeast(TARGET_STREAMS)))
                .add(new Figure("heap limit (-Xmx)", mib(result.heapLimitBytes()), "MiB",
                        Figure.Target.atMost(TARGET_HEAP_MIB)))
                .add(Figure.info("most heap in use after a collection",
                        mib(result.maxHeapAfterGcBytes()), "MiB"))
                .add(new Figure("failed requests", result.failedRequests(), "requests",
                        Figure.Target.atMost(0)))
                .add(new Figure("schedule lag p99", summary.stats(Metric.SCHEDULE_LAG).p99(), "ms",
                        Figure.Target.atMost(TARGET_LAG_P99_MILLIS)))
                .add(Figure.info("schedule lag p50", summary.stats(Metric.SCHEDULE_LAG).p50(),
                        "ms"))
                .add(Figure.info("schedule lag p99 of the ramp (a new connection each)",
                        rampLagP99Millis(result.rampLagNanos()), "ms"))
                .add(Figure.info("achieved rate",
                        summary.clientHealth().achievedRatePerSecond(), "req/s"))
                .add(Figure.info("client event-loop busy share",
                        summary.clientHealth().eventLoopBusyShare(), ""));
    }

    private static double rampLagP99Millis(SignedSamples lag) {
        synchronized (lag) {
            return lag.count() == 0 ? Double.NaN : lag.percentile(99) / 1e6;
        }
    }

    private static long mib(long bytes) {
        return bytes < 0 ? -1 : bytes / (1024 * 1024);
    }
}
