package io.tokenmark.jmh;

import io.tokenmark.core.client.ApiKey;
import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.core.client.InferenceClient;
import io.tokenmark.core.client.IoThreadUsage;
import io.tokenmark.core.metric.LoadDescription;
import io.tokenmark.core.metric.MetricsRecorder;
import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.metric.SummaryContext;
import io.tokenmark.core.report.ConsoleTable;
import io.tokenmark.core.report.OutputLayout;
import io.tokenmark.core.report.RequestLogWriter;
import io.tokenmark.core.report.RunMetadata;
import io.tokenmark.core.report.SummaryWriter;
import io.tokenmark.core.run.RecordPipeline;
import io.tokenmark.core.sampler.LoadPoint;
import io.tokenmark.core.sampler.RunContext;
import io.tokenmark.core.tokenizer.TokenCountResolver;
import io.tokenmark.core.tokenizer.Tokenizer;
import io.tokenmark.core.workload.Workload;
import io.tokenmark.netty.NettyInferenceClient;
import io.tokenmark.simulator.Simulator;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.openai.PromptTokenCounter;
import io.tokenmark.simulator.openai.TokenizerPromptCounter;
import io.tokenmark.simulator.openai.WorkloadPromptCounter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resources and bookkeeping of one JMH trial: the simulator (when the target is one), the
 * client, the workload, the run folder, and the recorders of the trial and of the current
 * iteration.
 *
 * <p>Records reach {@link #accept(RequestRecord)} as requests end. During a measurement iteration
 * they go through a {@link RecordPipeline} to the iteration's recorder, the trial's recorder and
 * {@code requests.jsonl}; during warm-up and between iterations they are dropped.
 *
 * <p>Durations: the D of an iteration's summary is the iteration's window for a steady state
 * (requests end throughout it) and the span of its own requests for a fixed count. The trial's D
 * is the sum of its measurement iterations' D, because requests that end between iterations are
 * not measured.
 *
 * <p><b>Threading:</b> {@link #accept} may be called from any thread and never blocks; the other
 * methods run on the JMH thread that calls the state's setup and teardown methods.
 */
final class Harness implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Harness.class);
    private static final Consumer<RequestRecord> DROP = record -> { };

    private final HarnessOptions options;
    private final String modeDescription;
    private final boolean fixedCount;
    private final Simulator simulator;
    private final Tokenizer tokenizer;
    private final InferenceClient client;
    private final Workload workload;
    private final RunContext runContext;
    private final String pointLabel;
    private final LoadDescription load;
    private final OutputLayout layout;
    private final RunMetadata metadata;
    private final long trialStartNanos;
    private final RequestLogWriter requestLog;
    private final RecordPipeline pipeline;
    private final MetricsRecorder trialMetrics;

    private volatile Consumer<RequestRecord> sink = DROP;
    private MetricsRecorder iterationMetrics;
    private long iterationStartNanos;
    private long iterationBusyStartNanos;
    private long measuredBusyNanos;
    private long measuredWallNanos;
    private int measuredIterations;
    private double measuredSeconds;
    private double windowStartMillis = Double.NaN;
    private double windowEndMillis = Double.NaN;
    private boolean closed;

    private Harness(Builder b) {
        this.options = b.options;
        this.modeDescription = b.modeDescription;
        this.fixedCount = b.fixedCount;
        this.simulator = b.simulator;
        this.tokenizer = b.tokenizer;
        this.client = b.client;
        this.workload = b.workload;
        this.runContext = b.runContext;
        this.pointLabel = b.pointLabel;
        this.load = b.load;
        this.layout = b.layout;
        this.metadata = b.metadata;
        this.trialStartNanos = b.trialStartNanos;
        this.requestLog = b.requestLog;
        this.pipeline = b.pipeline;
        this.trialMetrics = new MetricsRecorder(trialStartNanos, options.slo());
    }

    /**
     * Starts a trial: the tokenizer, the workload, the simulator, the client and the run folder.
     * Everything started is closed again when a later step fails.
     *
     * @param options the benchmark's options
     * @param params the trial's JMH parameters
     * @param fixedCount whether each iteration runs {@code requestsPerIteration} requests
     * @throws IllegalArgumentException when a part rejects an option
     */
    static Harness start(HarnessOptions options, BenchmarkParams params, boolean fixedCount) {
        Builder b = new Builder(options, fixedCount);
        try {
            b.start(params);
            return new Harness(b);
        } catch (RuntimeException | Error e) {
            b.closeStarted();
            throw e;
        }
    }

    InferenceClient client() {
        return client;
    }

    Workload workload() {
        return workload;
    }

    RunContext runContext() {
        return runContext;
    }

    HarnessOptions options() {
        return options;
    }

    /** Returns a load point builder with the benchmark's load and this trial's label. */
    LoadPoint.Builder loadPoint() {
        return options.loadPoint().label(pointLabel);
    }

    /** Routes a finished request to the current iteration, or drops it between iterations. */
    void accept(RequestRecord record) {
        sink.accept(record);
    }

    /**
     * Starts an iteration: records that end from now on belong to it.
     *
     * @param measured {@code false} for a warm-up iteration, whose records are dropped
     */
    void beginIteration(boolean measured) {
        iterationStartNanos = System.nanoTime();
        iterationBusyStartNanos = busyNanos();
        if (!measured) {
            iterationMetrics = null;
            sink = DROP;
            return;
        }
        iterationMetrics = new MetricsRecorder(trialStartNanos, options.slo());
        sink = pipeline.sinkFor(pointLabel, List.of(iterationMetrics, trialMetrics));
    }

    /**
     * Ends the iteration and returns its summary, or {@code null} for a warm-up iteration. Waits
     * until its records are processed.
     */
    Summary endIteration() throws InterruptedException {
        long endNanos = System.nanoTime();
        sink = DROP;
        pipeline.drain();
        if (iterationMetrics == null) {
            return null;
        }

        long busy = busyNanos() - iterationBusyStartNanos;
        long wall = endNanos - iterationStartNanos;
        measuredBusyNanos += busy;
        measuredWallNanos += wall;
        Summary summary = iterationMetrics.summarize(context(busyShare(busy, wall)));
        iterationMetrics = null;
        if (!fixedCount) {
            summary = summary.toBuilder()
                    .window(millisSinceStart(iterationStartNanos), millisSinceStart(endNanos),
                            (endNanos - iterationStartNanos) / 1e9)
                    .build();
        }
        if (summary.durationSeconds() > 0) {
            measuredSeconds += summary.durationSeconds();
            windowStartMillis = Double.isNaN(windowStartMillis)
                    ? summary.windowStartMillis() : windowStartMillis;
            windowEndMillis = summary.windowEndMillis();
        }
        measuredIterations++;
        return summary;
    }

    /**
     * Writes the trial's summary, logs its table and closes everything. Idempotent.
     *
     * @throws IllegalStateException after closing, when requests were measured and every one of
     *     them failed, so that JMH with fail-on-error stops
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        sink = DROP;
        Summary summary = null;
        try {
            pipeline.drain();
            summary = trialSummary();
            SummaryWriter.open(layout, metadata.label()).write(summary);
            LOG.info("TokenMark results of {} ({}), written to {}:{}{}", pointLabel,
                    modeDescription, layout.runDirectory(), System.lineSeparator(),
                    ConsoleTable.format(summary));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(pipeline);
            closeQuietly(requestLog);
            closeQuietly(client);
            closeQuietly(simulator);
            closeQuietly(tokenizer);
        }
        if (summary != null && summary.totalRequests() > 0 && summary.succeededRequests() == 0) {
            throw new IllegalStateException("every one of the " + summary.totalRequests()
                    + " measured requests of " + pointLabel + " failed ("
                    + summary.failuresByError() + "); see " + layout.requestsFile()
                    + " for the error of each request");
        }
    }

    private Summary trialSummary() {
        Summary summary = trialMetrics.summarize(
                context(busyShare(measuredBusyNanos, measuredWallNanos)));
        List<String> caveats = new ArrayList<>(summary.caveats());
        caveats.add(String.format(Locale.ROOT, "JMH %s with %d measurement iterations: D is the"
                + " sum of their durations. Requests that ended during warm-up or between"
                + " iterations are not measured.", modeDescription, measuredIterations));
        return summary.toBuilder()
                .window(windowStartMillis, windowEndMillis,
                        measuredSeconds > 0 ? measuredSeconds : Double.NaN)
                .caveats(caveats)
                .build();
    }

    private SummaryContext context(double eventLoopBusyShare) {
        return SummaryContext.of(load)
                .withTargetSharesHost(simulator != null)
                .withEventLoopBusyShare(eventLoopBusyShare);
    }

    /** Returns the client's cumulative I/O busy time, or 0 when it does not report one. */
    private long busyNanos() {
        return client instanceof IoThreadUsage ? ((IoThreadUsage) client).busyNanos() : 0;
    }

    /**
     * Returns the share of the I/O threads' time spent busy over a wall-clock span, or
     * {@code NaN} when the client does not report it.
     */
    private double busyShare(long busyNanos, long wallNanos) {
        if (!(client instanceof IoThreadUsage) || wallNanos <= 0) {
            return Double.NaN;
        }
        int threads = ((IoThreadUsage) client).ioThreads();
        return Math.max(0, Math.min(1, (double) busyNanos / ((double) wallNanos * threads)));
    }

    private double millisSinceStart(long nanos) {
        return (nanos - trialStartNanos) / 1e6;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("Failed to close {} at the end of the trial", closeable, e);
        }
    }

    /** Starts the trial's parts one by one, so that a failure can close the ones started. */
    private static final class Builder {
        private final HarnessOptions options;
        private final boolean fixedCount;
        private final String modeDescription;
        private Simulator simulator;
        private Tokenizer tokenizer;
        private InferenceClient client;
        private Workload workload;
        private RunContext runContext;
        private String pointLabel;
        private LoadDescription load;
        private OutputLayout layout;
        private RunMetadata metadata;
        private long trialStartNanos;
        private RequestLogWriter requestLog;
        private RecordPipeline pipeline;

        Builder(HarnessOptions options, boolean fixedCount) {
            this.options = options;
            this.fixedCount = fixedCount;
            this.modeDescription = fixedCount
                    ? "fixed count, " + options.requestsPerIteration() + " requests per iteration"
                    : "steady state";
        }

        void start(BenchmarkParams params) {
            if (options.needsTokenizer()) {
                tokenizer = options.loadTokenizer();
            }
            workload = options.buildWorkload(tokenizer);
            if (options.target().isSimulator()) {
                simulator = Simulator.start(simulatorOptions());
            }
            ApiKey key = apiKey();
            client = NettyInferenceClient.create(clientOptions(key));

            String label = options.label() != null ? options.label() : defaultLabel(params);
            RunFolder folder = RunFolder.open(
                    OutputLayout.of(options.outputDirectory(), label), RunFolder.invocationOf(params));
            layout = folder.layout();
            pointLabel = folder.claimPointLabel(options.loadPoint().requests(1).build().label());
            load = describeLoad(params);
            String runId = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 32);
            runContext = RunContext.create(runId, options.seed());
            metadata = folder.writeMetadata(runMetadata(label, params, runId));

            trialStartNanos = System.nanoTime();
            requestLog = RequestLogWriter.open(layout.requestsFile(), trialStartNanos, key);
            TokenCountResolver resolver = options.countTokensWithTokenizer()
                    ? new TokenCountResolver(tokenizer, options.api()) : null;
            pipeline = new RecordPipeline(resolver, requestLog);
            LOG.info("TokenMark trial {} of {} started: {}, {}, {}, point {} in {}", runId,
                    params.getBenchmark(), options.target(), workload.description(),
                    modeDescription, pointLabel, layout.runDirectory());
        }

        /**
         * Returns the target's simulator options, with prompts counted as the workload counted
         * them unless the benchmark set its own counter. Prompts the workload did not count go
         * to the tokenizer when one is loaded, else to the approximate counter.
         */
        private SimulatorOptions simulatorOptions() {
            SimulatorOptions configured = options.target().simulatorOptions();
            if (configured.promptTokenCounter() != PromptTokenCounter.approximate()) {
                return configured;
            }
            PromptTokenCounter fallback = tokenizer != null
                    ? new TokenizerPromptCounter(tokenizer) : PromptTokenCounter.approximate();
            return configured.toBuilder()
                    .promptTokenCounter(new WorkloadPromptCounter(workload, fallback))
                    .build();
        }

        private ApiKey apiKey() {
            if (options.explicitApiKey() != null) {
                return options.explicitApiKey();
            }
            if (simulator != null) {
                String required = simulator.options().requiredApiKey();
                return required == null ? null : ApiKey.of(required);
            }
            return ApiKey.fromEnvironment(System.getenv()).orElse(null);
        }

        private ClientOptions clientOptions(ApiKey key) {
            ClientOptions.Builder builder = ClientOptions
                    .builder(simulator != null ? simulator.baseUrl() : options.target().baseUrl())
                    .model(options.target().model())
                    .api(options.api())
                    .apiKey(key)
                    .retainText(options.countTokensWithTokenizer());
            options.adjustClient(builder);
            return builder.build();
        }

        private LoadDescription describeLoad(BenchmarkParams params) {
            LoadDescription described = options.loadMode() == LoadPoint.Mode.CLOSED_LOOP
                    ? LoadDescription.closedLoop(options.concurrency())
                    : LoadDescription.openLoop(options.ratePerSecond(), options.burstiness(),
                            options.maxConcurrency() > 0 ? options.maxConcurrency() : null);
            described = described.withLabel(pointLabel);
            int iterations = params.getMeasurement().getCount();
            if (fixedCount) {
                return described.withPlannedRequests(
                        (long) options.requestsPerIteration() * iterations);
            }
            double seconds = params.getMeasurement().getTime().convertTo(TimeUnit.NANOSECONDS)
                    / 1e9 * iterations;
            return seconds > 0 ? described.withPlannedDurationSeconds(seconds) : described;
        }

        private RunMetadata runMetadata(String label, BenchmarkParams params, String runId) {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("run_id", runId);
            settings.put("jmh_benchmark", params.getBenchmark());
            settings.put("jmh_mode", params.getMode().shortLabel());
            settings.put("jmh_forks", Integer.toString(params.getForks()));
            settings.put("jmh_threads", Integer.toString(params.getThreads()));
            settings.put("jmh_warmup", params.getWarmup().getCount() + " x "
                    + params.getWarmup().getTime());
            settings.put("jmh_measurement", params.getMeasurement().getCount() + " x "
                    + params.getMeasurement().getTime());
            settings.put("harness", modeDescription);
            String profile = simulator != null ? simulator.options().profile().name() : null;
            String url = simulator != null ? simulator.baseUrl().toString()
                    : options.target().displayUrl();
            return new RunMetadata(label, Instant.now(), tokenmarkVersion(), url,
                    options.target().model(), options.api().name().toLowerCase(Locale.ROOT),
                    profile, workload.description(), pointLabel + ": " + load.mode().label()
                            .replace('_', ' ') + ", " + loadSize(), options.slo(),
                    RunMetadata.Host.current(), settings);
        }

        private String loadSize() {
            String size = options.loadMode() == LoadPoint.Mode.CLOSED_LOOP
                    ? "concurrency " + options.concurrency()
                    : options.ratePerSecond() + " req/s";
            return fixedCount ? size + ", " + options.requestsPerIteration() + " requests per iteration"
                    : size + ", " + modeDescription;
        }

        void closeStarted() {
            closeQuietly(pipeline);
            closeQuietly(requestLog);
            closeQuietly(client);
            closeQuietly(simulator);
            closeQuietly(tokenizer);
        }
    }

    /** Returns {@code Class.method} of the benchmark, with characters a folder name rejects replaced. */
    static String defaultLabel(BenchmarkParams params) {
        String benchmark = params.getBenchmark();
        int method = benchmark.lastIndexOf('.');
        int type = method > 0 ? benchmark.lastIndexOf('.', method - 1) : -1;
        String label = benchmark.substring(type + 1);
        return label.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static String tokenmarkVersion() {
        // NOTE: null, written as such in run.json, unless the jar's manifest carries an
        // Implementation-Version; the build does not add one yet.
        return Harness.class.getPackage().getImplementationVersion();
    }
}
