package io.tokenmark.jmh.cli;

import io.tokenmark.core.client.ApiKey;
import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.core.metric.MetricsRecorder;
import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.report.ConsoleTable;
import io.tokenmark.core.report.OutputLayout;
import io.tokenmark.core.report.RequestLogEntry;
import io.tokenmark.core.report.RequestLogReader;
import io.tokenmark.core.report.RunMetadata;
import io.tokenmark.core.run.BenchmarkRun;
import io.tokenmark.core.run.RunObserver;
import io.tokenmark.core.run.RunOutcome;
import io.tokenmark.core.run.RunResult;
import io.tokenmark.core.sampler.LoadPoint;
import io.tokenmark.core.sampler.Sweep;
import io.tokenmark.core.tokenizer.TokenCountResolver;
import io.tokenmark.core.tokenizer.Tokenizer;
import io.tokenmark.core.workload.DatasetException;
import io.tokenmark.core.workload.Workload;
import io.tokenmark.core.workload.WorkloadFactory;
import io.tokenmark.jmh.progress.ProgressConsole;
import io.tokenmark.jmh.progress.ProgressMonitor;
import io.tokenmark.netty.NettyInferenceClient;
import io.tokenmark.simulator.Simulator;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.openai.WorkloadPromptCounter;
import io.tokenmark.simulator.profile.Profiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Runs one {@code tokenmark run} from validated settings: loads the tokenizer, builds the
 * workload, starts the embedded simulator when there is no {@code --url}, runs the sweep through
 * {@link BenchmarkRun} with live progress and a table per point, stops on Ctrl-C, and returns the
 * exit status.
 */
final class RunExecution {
    /** {@code settings} key of the SHA-256 of the dataset file. */
    static final String DATASET_SHA256_KEY = "dataset_sha256";

    /** Time a cancelled request may take to end; see {@code PointExecution}. */
    private static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(5);
    /** Time the test request may take before it is cancelled and the sweep starts anyway. */
    private static final Duration TEST_REQUEST_TIMEOUT = Duration.ofMinutes(5);
    /** Time allowed, after the grace period and the cancels, to write the files. */
    private static final Duration WRITE_MARGIN = Duration.ofSeconds(60);

    private final CliContext context;
    private final RunSettings settings;
    private final RunSession session;
    private final boolean resume;
    private final OutputLayout layout;
    private StopSignals.Registration stopRegistration;

    RunExecution(CliContext context, RunSettings settings, RunSession session, boolean resume) {
        this.context = context;
        this.settings = settings;
        this.session = session;
        this.resume = resume;
        this.layout = settings.layout();
    }

    /**
     * Runs and returns the exit status.
     *
     * @throws UsageException for an input that cannot be used: the key file, the tokenizer, the
     *     dataset, an existing run folder
     */
    int execute() {
        if (!resume && Files.exists(layout.runFile())) {
            throw new UsageException("the output folder " + layout.runDirectory()
                    + " already contains a run: give another --label or --out, or continue that run"
                    + " with --resume " + layout.runDirectory());
        }
        ApiKey apiKey = resolveApiKey();
        if (settings.insecure) {
            context.err().println("WARNING: --insecure: TLS certificate verification is off, so"
                    + " the server's identity is not checked. Use it only with test servers.");
        }

        Tokenizer tokenizer = loadTokenizer();
        try {
            Workload workload = buildWorkload(tokenizer);
            Map<String, String> recorded = new LinkedHashMap<>(settings.record());
            recordDatasetFingerprint(recorded);
            Sweep sweep = settings.sweep();
            try (Simulator simulator = startSimulator(workload)) {
                URI baseUrl = simulator != null ? simulator.baseUrl() : settings.url;
                try (NettyInferenceClient client =
                        NettyInferenceClient.create(clientOptions(baseUrl, apiKey))) {
                    return measure(client, baseUrl, workload, sweep, tokenizer, recorded, apiKey,
                            simulator != null);
                }
            }
        } finally {
            tokenizer.close();
            if (stopRegistration != null) {
                stopRegistration.close();
            }
        }
    }

    private int measure(NettyInferenceClient client, URI baseUrl, Workload workload, Sweep sweep,
            Tokenizer tokenizer, Map<String, String> recorded, ApiKey apiKey, boolean embedded) {
        ProgressConsole console = console();
        AtomicReference<BenchmarkRun> running = new AtomicReference<>();
        ProgressMonitor progress = new ProgressMonitor(console,
                () -> running.get() == null ? Optional.empty() : running.get().currentPoint(),
                session.interval());
        RunMetadata metadata = new RunMetadata(settings.label, Instant.now(), Version.current(),
                baseUrl.toString(), settings.model, settings.api.name().toLowerCase(Locale.ROOT),
                settings.profile, workload.description(), settings.loadDescription(),
                settings.slo, RunMetadata.Host.current(), recorded);
        BenchmarkRun run = BenchmarkRun.builder()
                .client(client)
                .workload(workload)
                .sweep(sweep)
                .layout(layout)
                .metadata(metadata)
                .tokenCountResolver(new TokenCountResolver(tokenizer, settings.api))
                .observer(new ConsoleObserver(progress, console))
                .targetSharesHost(embedded)
                .redactedKey(apiKey)
                .resume(resume)
                .seed(settings.seed)
                .build();
        running.set(run);

        printBanner(console, baseUrl, workload);
        if (session.testRequest() && !sendTestRequest(client, workload, console)) {
            return ExitCodes.INTERRUPTED;
        }
        Duration maxWait = session.stopGrace().plus(CANCEL_TIMEOUT).plus(WRITE_MARGIN);
        stopRegistration = context.stopSignals().register(() -> {
            console.println("Stopping: requests in flight get "
                    + Flags.formatDuration(session.stopGrace()) + " to finish, then are"
                    + " cancelled; finished results are kept.");
            run.stop(session.stopGrace());
        }, maxWait);

        RunResult result;
        try {
            result = run.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            context.err().println("tokenmark run: interrupted; finished results are in "
                    + layout.runDirectory());
            return ExitCodes.INTERRUPTED;
        } catch (UncheckedIOException e) {
            context.err().println("tokenmark run: failed to write the results: "
                    + e.getMessage());
            return ExitCodes.FAILED;
        } finally {
            progress.close();
        }
        return outcome(result, console);
    }

    /**
     * Sends the test request and reports a failure as a warning: the sweep still runs, because
     * one failure may be an injected or passing fault, and the results show every failure.
     *
     * @return false if interrupted
     */
    private boolean sendTestRequest(NettyInferenceClient client, Workload workload,
            ProgressConsole console) {
        console.println("Sending a test request, which no result includes.");
        try {
            Optional<String> failure = TestRequest.send(client,
                    workload.get(workload.size() - 1L), TEST_REQUEST_TIMEOUT);
            failure.ifPresent(reason -> context.err().println("WARNING: the test request failed ("
                    + reason + "); the run goes on, and its results count every failure."));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private int outcome(RunResult result, ProgressConsole console) {
        Path dir = layout.runDirectory();
        if (stopRegistration.stopRequested() || result.outcome() == RunOutcome.STOPPED) {
            console.println("Stopped. Finished points and the cut point (written with complete:"
                    + " false) are in " + dir + ".");
            console.println("Continue the run with: tokenmark run --resume " + dir);
            return ExitCodes.INTERRUPTED;
        }
        if (result.outcome() == RunOutcome.FAILED) {
            Throwable cause = result.failure();
            context.err().println("tokenmark run: a point failed, so the sweep ended: "
                    + (cause == null ? "unknown cause" : cause.toString())
                    + ". Finished points are in " + dir + ".");
            return ExitCodes.FAILED;
        }
        if (result.summaries().isEmpty()) {
            console.println("Every point of " + dir + " is already complete; nothing to run.");
            return ExitCodes.OK;
        }
        if (result.allRequestsFailed()) {
            context.err().println("tokenmark run: every measured request failed ("
                    + result.totalRequests() + " of " + result.totalRequests() + "; "
                    + failuresByError(result.summaries()) + ")." + firstFailure()
                    + " Check --url, --model and the API key.");
            return ExitCodes.FAILED;
        }
        console.println("Results are in " + dir + ". Compare runs with 'tokenmark compare "
                + dir + " OTHER_RUN'; write an HTML report with 'tokenmark report " + dir + "'.");
        return ExitCodes.OK;
    }

    private static String failuresByError(List<Summary> summaries) {
        Map<String, Long> byError = new java.util.TreeMap<>();
        for (Summary summary : summaries) {
            summary.failuresByError().forEach((error, count) -> byError.merge(error, count, Long::sum));
        }
        return byError.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /** Returns the first failure's message from {@code requests.jsonl}, or an empty text. */
    private String firstFailure() {
        try {
            for (RequestLogEntry entry : RequestLogReader.read(layout.requestsFile())) {
                if (!entry.success()) {
                    return " First failure, request " + entry.requestId() + ": " + entry.error()
                            + (entry.errorMessage() == null ? "" : " (" + entry.errorMessage() + ")")
                            + ".";
                }
            }
        } catch (UncheckedIOException | IllegalArgumentException e) {
            return "";
        }
        return "";
    }

    private void printBanner(ProgressConsole console, URI baseUrl, Workload workload) {
        String target = settings.embeddedSimulator()
                ? "the embedded simulator (profile " + settings.profile + ", time scale "
                        + Flags.formatNumber(settings.timeScale) + ") at " + baseUrl
                : baseUrl.toString();
        console.println("TokenMark " + Version.current() + (resume ? ": resuming " : ": run ")
                + settings.label + " against " + target + ", model " + settings.model + ", "
                + settings.api.name().toLowerCase(Locale.ROOT) + " API");
        console.println("Workload: " + workload.description());
        console.println("Load: " + settings.loadDescription());
        console.println("Results: " + layout.runDirectory());
    }

    private ProgressConsole console() {
        switch (session.progress()) {
            case TERMINAL:
                return ProgressConsole.terminal(context.out(), context.terminalColumns());
            case OFF:
                return ProgressConsole.off(context.out());
            default:
                return ProgressConsole.plain(context.out());
        }
    }

    private ApiKey resolveApiKey() {
        if (session.apiKeyFile() != null) {
            try {
                return ApiKey.fromFile(session.apiKeyFile());
            } catch (IllegalArgumentException e) {
                throw UsageException.invalid("--api-key-file", session.apiKeyFile().toString(),
                        e.getMessage());
            }
        }
        try {
            return ApiKey.fromEnvironment(context.environment()).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new UsageException("invalid API key in " + ApiKey.ENV_PRIMARY + " or "
                    + ApiKey.ENV_FALLBACK + ": " + e.getMessage());
        }
    }

    private Tokenizer loadTokenizer() {
        try {
            return context.tokenizers().apply(settings.tokenizer);
        } catch (IllegalArgumentException e) {
            throw UsageException.invalid("--tokenizer", String.valueOf(settings.tokenizer),
                    e.getMessage());
        }
    }

    private Workload buildWorkload(Tokenizer tokenizer) {
        try {
            return WorkloadFactory.create(settings.dataset, settings.workloadOptions(), tokenizer);
        } catch (DatasetException e) {
            throw new UsageException("invalid --dataset-path: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new UsageException("cannot build the " + settings.dataset + " workload: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Adds the dataset file's SHA-256 to the recorded settings. On resume, it rejects a file that
     * changed since the run started, because the repeated point would send other prompts.
     */
    private void recordDatasetFingerprint(Map<String, String> recorded) {
        if (settings.datasetPath == null) {
            return;
        }
        String sha256 = sha256(settings.datasetPath);
        recorded.put(DATASET_SHA256_KEY, sha256);
        if (resume) {
            String before = RunMetadata.read(layout.runFile()).settings().get(DATASET_SHA256_KEY);
            if (before != null && !before.equals(sha256)) {
                throw new UsageException("cannot resume " + layout.runDirectory() + ": the dataset "
                        + settings.datasetPath + " changed since the run started (its SHA-256"
                        + " differs), so the repeated point would send other prompts; restore the"
                        + " file or start a new run");
            }
        }
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UsageException("invalid --dataset-path: " + file + ": read failed (" + e
                    + "): check the file", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Starts the embedded simulator, or returns {@code null} with {@code --url}. */
    private Simulator startSimulator(Workload workload) {
        if (!settings.embeddedSimulator()) {
            return null;
        }
        SimulatorOptions.Builder options = SimulatorOptions.builder()
                .profile(Profiles.byName(settings.profile))
                .timeScale(settings.timeScale)
                .seed(settings.seed)
                .modelName(settings.model)
                .promptTokenCounter(new WorkloadPromptCounter(workload))
                .groundTruthCapacity(0);
        int answerTokens = naturalAnswerTokens(workload);
        if (answerTokens > 0) {
            options.answerTokens(answerTokens);
        }
        return Simulator.start(options.build());
    }

    /**
     * Returns the largest {@code max_tokens} of the workload, which the simulated model then
     * reaches on every request, so each response is as long as its request allows. Without any
     * {@code max_tokens} it returns {@code --output-tokens}, or 0 to keep the simulator's default.
     */
    private int naturalAnswerTokens(Workload workload) {
        int largest = 0;
        for (int i = 0; i < workload.size(); i++) {
            largest = Math.max(largest, workload.get(i).maxTokens());
        }
        if (largest > 0) {
            return largest;
        }
        return settings.outputTokens == null ? 0 : settings.outputTokens;
    }

    private ClientOptions clientOptions(URI baseUrl, ApiKey apiKey) {
        ClientOptions.Builder options = ClientOptions.builder(baseUrl)
                .model(settings.model)
                .api(settings.api)
                .apiKey(apiKey)
                .retainText(true)
                .connectTimeoutMillis(Math.max(1, ceilMillis(settings.connectTimeout)))
                .readTimeoutMillis(ceilMillis(settings.readTimeout))
                .requestTimeoutMillis(ceilMillis(settings.requestTimeout))
                .ioThreads(settings.ioThreads)
                .insecureTls(settings.insecure);
        settings.headers.forEach(options::header);
        try {
            return options.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException("invalid client settings: " + e.getMessage(), e);
        }
    }

    private static long ceilMillis(Duration duration) {
        long millis = duration.toMillis();
        return duration.minusMillis(millis).isZero() ? millis : millis + 1;
    }

    /** Prints each point's start and table, after the progress display has cleared its line. */
    private final class ConsoleObserver implements RunObserver {
        private final ProgressMonitor progress;
        private final ProgressConsole console;

        ConsoleObserver(ProgressMonitor progress, ProgressConsole console) {
            this.progress = progress;
            this.console = console;
        }

        @Override
        public void pointSkipped(String pointLabel) {
            console.println("Point " + pointLabel + " is already complete in "
                    + layout.runDirectory() + "; skipping it.");
        }

        @Override
        public void pointStarted(LoadPoint point, MetricsRecorder metrics) {
            console.println("Point " + point.label() + ": " + point.description());
            progress.pointStarted(point, metrics);
        }

        @Override
        public void pointFinished(Summary summary, Path summaryFile) {
            progress.pointFinished(summary, summaryFile);
            console.print(ConsoleTable.format(summary));
            console.println("Wrote " + summaryFile);
        }
    }
}
