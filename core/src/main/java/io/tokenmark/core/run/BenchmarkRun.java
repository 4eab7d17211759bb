package io.tokenmark.core.run;

import io.tokenmark.core.client.ApiKey;
import io.tokenmark.core.client.InferenceClient;
import io.tokenmark.core.client.IoThreadUsage;
import io.tokenmark.core.metric.LoadDescription;
import io.tokenmark.core.metric.MetricsRecorder;
import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.metric.SummaryContext;
import io.tokenmark.core.report.OutputLayout;
import io.tokenmark.core.report.RequestLogWriter;
import io.tokenmark.core.report.RunMetadata;
import io.tokenmark.core.report.SummaryWriter;
import io.tokenmark.core.sampler.LoadPoint;
import io.tokenmark.core.sampler.PointExecution;
import io.tokenmark.core.sampler.PointOutcome;
import io.tokenmark.core.sampler.RunContext;
import io.tokenmark.core.sampler.Sweep;
import io.tokenmark.core.sampler.SweepExecution;
import io.tokenmark.core.sampler.SweepListener;
import io.tokenmark.core.tokenizer.TokenCountResolver;
import io.tokenmark.core.workload.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a sweep end to end and writes its results as they are produced: {@code run.json} before
 * the first request, one {@code requests.jsonl} line as each measured request ends, and one
 * summary file as each point ends (see the output format in {@code docs/output-format.md}).
 *
 * <p>Finished records travel through a {@link RecordPipeline}, so tokenizing and file writes
 * never run on the client's I/O threads.
 *
 * <p><b>Stopping and resuming.</b> {@link #stop} ends the running point after a grace period;
 * its summary is written with {@code complete: false} and later points do not run. A run built
 * with {@link Builder#resume(boolean)} on the same folder skips every point whose complete
 * summary exists, repeats the cut point, and continues request ids after the highest one
 * written. Times in a resumed point count from the resumption, because {@code System.nanoTime()}
 * has no meaning across processes.
 *
 * <p><b>Threading:</b> {@link #run()} blocks the calling thread and may be called once;
 * {@link #stop} and {@link #currentPoint()} may be called from any thread, such as a Ctrl-C
 * handler.
 */
public final class BenchmarkRun {
    private static final Logger LOG = LoggerFactory.getLogger(BenchmarkRun.class);

    /** {@code run.json} setting with the run id used in {@code X-Request-Id}. */
    public static final String SETTING_RUN_ID = "run_id";
    /** {@code run.json} setting with the seed of the arrival schedules. */
    public static final String SETTING_SEED = "schedule_seed";

    private final InferenceClient client;
    private final Workload workload;
    private final Sweep sweep;
    private final OutputLayout layout;
    private final RunMetadata metadata;
    private final TokenCountResolver resolver;
    private final RunObserver observer;
    private final boolean targetSharesHost;
    private final ApiKey redactedKey;
    private final boolean resume;
    private final String runId;
    private final long seed;

    private volatile SweepExecution execution;
    private volatile boolean stopRequested;
    private volatile Duration stopGrace;
    private boolean started;

    private BenchmarkRun(Builder b) {
        this.client = b.client;
        this.workload = b.workload;
        this.sweep = b.sweep;
        this.layout = b.layout;
        this.metadata = b.metadata;
        this.resolver = b.resolver;
        this.observer = b.observer;
        this.targetSharesHost = b.targetSharesHost;
        this.redactedKey = b.redactedKey;
        this.resume = b.resume;
        this.runId = b.runId != null ? b.runId
                : Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 32);
        this.seed = b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs every point not yet complete and returns what this process wrote.
     *
     * @throws IllegalStateException if called twice, or if a new run's folder already holds a
     *     run (pass {@code resume} or choose another label or folder)
     * @throws IllegalArgumentException if a resumed folder contains no run
     * @throws java.io.UncheckedIOException if a result file cannot be written
     * @throws InterruptedException if the calling thread is interrupted; the running point is
     *     stopped at once and the files hold what finished
     */
    public RunResult run() throws InterruptedException {
        synchronized (this) {
            if (started) {
                throw new IllegalStateException("run " + layout.runDirectory() + " already ran");
            }
            started = true;
        }

        long runStartNanos = System.nanoTime();
        RunContext context;
        Sweep remaining;
        RunMetadata written;
        if (resume) {
            RunResumption resumption = RunResumption.prepare(layout);
            written = resumption.metadata();
            context = RunContext.resume(settingOr(written, SETTING_RUN_ID, runId),
                    Long.parseLong(settingOr(written, SETTING_SEED, Long.toString(seed))),
                    resumption.nextRequestId());
            remaining = withoutCompleted(resumption);
        } else {
            written = writeNewRunFile();
            context = RunContext.create(runId, seed);
            remaining = sweep;
        }
        if (remaining == null) {
            LOG.info("Run {}: every point is already complete; nothing to do", written.label());
            return new RunResult(List.of(), RunOutcome.COMPLETED, null);
        }

        List<Summary> summaries = new ArrayList<>();
        Throwable[] failure = new Throwable[1];
        try (RequestLogWriter requestLog =
                        RequestLogWriter.open(layout.requestsFile(), runStartNanos, redactedKey);
                RecordPipeline pipeline = new RecordPipeline(resolver, requestLog)) {
            SummaryWriter summaryWriter = SummaryWriter.open(layout, written.label());
            PointWriter listener = new PointWriter(runStartNanos, written, pipeline,
                    summaryWriter, summaries, failure);
            SweepExecution sweepExecution =
                    new SweepExecution(remaining, workload, client, context, listener);
            this.execution = sweepExecution;
            if (stopRequested) {
                sweepExecution.stop(stopGrace);
            }
            sweepExecution.run();
        }

        RunOutcome outcome = failure[0] != null ? RunOutcome.FAILED
                : stopRequested ? RunOutcome.STOPPED : RunOutcome.COMPLETED;
        LOG.info("Run {} {}: {} points written to {}", written.label(),
                outcome.name().toLowerCase(java.util.Locale.ROOT), summaries.size(),
                layout.runDirectory());
        return new RunResult(summaries, outcome, failure[0]);
    }

    /**
     * Stops the run: no new requests; requests in flight get {@code grace} to finish, then are
     * cancelled; the cut point's summary is written with {@code complete: false}; later points do
     * not run. Returns at once; {@link #run()} returns when the files are written.
     */
    public void stop(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        stopGrace = grace;
        stopRequested = true;
        SweepExecution running = execution;
        if (running != null) {
            running.stop(grace);
        }
    }

    /** Returns the point running now, with its live counters, or empty between points. */
    public Optional<PointExecution> currentPoint() {
        SweepExecution running = execution;
        return running == null ? Optional.empty() : running.currentPoint();
    }

    /** Returns the files this run writes. */
    public OutputLayout layout() {
        return layout;
    }

    private RunMetadata writeNewRunFile() {
        if (Files.exists(layout.runFile())) {
            throw new IllegalStateException("output folder " + layout.runDirectory()
                    + " already contains a run: choose another label or output folder, or resume it");
        }
        Map<String, String> settings = new LinkedHashMap<>(metadata.settings());
        settings.put(SETTING_RUN_ID, runId);
        settings.put(SETTING_SEED, Long.toString(seed));
        RunMetadata withIds = new RunMetadata(metadata.label(), metadata.startedAt(),
                metadata.tokenmarkVersion(), metadata.targetUrl(), metadata.model(),
                metadata.api(), metadata.simulatorProfile(), metadata.workload(), metadata.load(),
                metadata.slo(), metadata.host(), settings);
        withIds.write(layout.runFile());
        return withIds;
    }

    private Sweep withoutCompleted(RunResumption resumption) {
        List<LoadPoint> left = new ArrayList<>();
        for (LoadPoint point : sweep.points()) {
            if (resumption.completedPoints().contains(point.label())) {
                LOG.info("Point {} is complete in {}; skipping it", point.label(),
                        layout.runDirectory());
                observer.pointSkipped(point.label());
            } else {
                left.add(point);
            }
        }
        return left.isEmpty() ? null : Sweep.of(left);
    }

    private static String settingOr(RunMetadata metadata, String key, String fallback) {
        String value = metadata.settings().get(key);
        return value == null ? fallback : value;
    }

    /**
     * Describes a load point for its summary.
     */
    static LoadDescription describe(LoadPoint point) {
        LoadDescription load;
        if (point.mode() == LoadPoint.Mode.CLOSED_LOOP) {
            load = LoadDescription.closedLoop(point.users());
        } else {
            Integer cap = point.maxConcurrency() > 0 ? point.maxConcurrency() : null;
            load = LoadDescription.openLoop(point.ratePerSecond(), point.burstiness(), cap);
        }
        load = load.withLabel(point.label());
        if (point.boundedByCount()) {
            load = load.withPlannedRequests(point.requests());
        } else {
            load = load.withPlannedDurationSeconds(point.duration().toNanos() / 1e9);
        }
        return load;
    }

    /** Creates each point's recorder and writes its summary when it ends. */
    private final class PointWriter implements SweepListener {
        private final long runStartNanos;
        private final RunMetadata metadata;
        private final RecordPipeline pipeline;
        private final SummaryWriter summaryWriter;
        private final List<Summary> summaries;
        private final Throwable[] failure;

        private MetricsRecorder metrics;
        private long busyStartNanos;
        private long wallStartNanos;

        PointWriter(long runStartNanos, RunMetadata metadata, RecordPipeline pipeline,
                SummaryWriter summaryWriter, List<Summary> summaries, Throwable[] failure) {
            this.runStartNanos = runStartNanos;
            this.metadata = metadata;
            this.pipeline = pipeline;
            this.summaryWriter = summaryWriter;
            this.summaries = summaries;
            this.failure = failure;
        }

        @Override
        public Consumer<RequestRecord> pointStarting(LoadPoint point) {
            metrics = new MetricsRecorder(runStartNanos, metadata.slo());
            wallStartNanos = System.nanoTime();
            busyStartNanos = client instanceof IoThreadUsage ? ((IoThreadUsage) client).busyNanos() : 0;
            observer.pointStarted(point, metrics);
            return pipeline.sinkFor(point.label(), metrics);
        }

        @Override
        public void pointFinished(PointExecution finished) {
            try {
                pipeline.drain();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            PointOutcome outcome = finished.outcome().orElse(PointOutcome.FAILED);
            if (outcome == PointOutcome.FAILED) {
                failure[0] = finished.failure().orElse(
                        new IllegalStateException("point " + finished.point().label() + " failed"));
            }

            SummaryContext context = SummaryContext.of(describe(finished.point()))
                    .withComplete(outcome == PointOutcome.COMPLETED)
                    .withEventLoopBusyShare(busyShare())
                    .withTargetSharesHost(targetSharesHost);
            Summary summary = metrics.summarize(context);
            Path file = summaryWriter.write(summary);
            summaries.add(summary);
            observer.pointFinished(summary, file);
        }

        private double busyShare() {
            if (!(client instanceof IoThreadUsage)) {
                return Double.NaN;
            }
            IoThreadUsage usage = (IoThreadUsage) client;
            long wall = System.nanoTime() - wallStartNanos;
            long busy = usage.busyNanos() - busyStartNanos;
            if (wall <= 0 || usage.ioThreads() <= 0) {
                return Double.NaN;
            }
            return Math.max(0, Math.min(1, (double) busy / ((double) wall * usage.ioThreads())));
        }
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private InferenceClient client;
        private Workload workload;
        private Sweep sweep;
        private OutputLayout layout;
        private RunMetadata metadata;
        private TokenCountResolver resolver;
        private RunObserver observer = new RunObserver() { };
        private boolean targetSharesHost;
        private ApiKey redactedKey;
        private boolean resume;
        private String runId;
        private long seed = 42;

        private Builder() {
        }

        public Builder client(InferenceClient value) {
            client = value;
            return this;
        }

        public Builder workload(Workload value) {
            workload = value;
            return this;
        }

        public Builder sweep(Sweep value) {
            sweep = value;
            return this;
        }

        /** Sets the run folder, usually {@code OutputLayout.of(out, label)}. */
        public Builder layout(OutputLayout value) {
            layout = value;
            return this;
        }

        /** Sets what {@code run.json} records; its SLOs judge goodput. Ignored on resume. */
        public Builder metadata(RunMetadata value) {
            metadata = value;
            return this;
        }

        /** Refines token counts with a tokenizer when the server sends no usage. */
        public Builder tokenCountResolver(TokenCountResolver value) {
            resolver = value;
            return this;
        }

        public Builder observer(RunObserver value) {
            observer = Objects.requireNonNull(value, "observer");
            return this;
        }

        /** Marks the target as sharing the client's host, such as the embedded simulator. */
        public Builder targetSharesHost(boolean value) {
            targetSharesHost = value;
            return this;
        }

        /** Sets the API key to redact from anything written; {@code null} for none. */
        public Builder redactedKey(ApiKey value) {
            redactedKey = value;
            return this;
        }

        /** Continues the run in the layout's folder instead of starting a new one. */
        public Builder resume(boolean value) {
            resume = value;
            return this;
        }

        /** Sets the run id used in {@code X-Request-Id}; random when not set. */
        public Builder runId(String value) {
            runId = value;
            return this;
        }

        /** Sets the seed of the open-loop arrival schedules; default 42. */
        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /**
         * Returns the run.
         *
         * @throws IllegalArgumentException when a required part is missing
         */
        public BenchmarkRun build() {
            require(client, "client");
            require(workload, "workload");
            require(sweep, "sweep");
            require(layout, "output layout");
            if (!resume) {
                require(metadata, "run metadata");
            }
            return new BenchmarkRun(this);
        }

        private static void require(Object value, String name) {
            if (value == null) {
                throw new IllegalArgumentException("benchmark run has no " + name + ": set it");
            }
        }
    }
}
