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
import io.tokenmark.core.report.SummaryReader;
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
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    /**
     * {@code settings} key of where the API key came from, {@code file:PATH} or
     * {@code env:VARIABLE}; absent when the run sent no key. The key itself is never recorded.
     */
    static final String API_KEY_SOURCE_KEY = "api_key_source";

    /** The command that starts TokenMark, as the hints printed at the end of a run show it. */
    static final String LAUNCHER = "java -jar tokenmark.jar";

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
        if (resume) {
            checkResumedKey(apiKey);
            if (everyPointComplete()) {
                return ExitCodes.OK;
            }
            checkResumedKeyIsTested();
        }
        if (settings.insecure) {
            context.err().println("WARNING: --insecure: TLS certificate verification is off, so"
                    + " the server's identity is not checked. Use it only with test servers.");
        }

        Tokenizer tokenizer = loadTokenizer();
        try {
            Workload workload = buildWorkload(tokenizer);
            Map<String, String> recorded = new LinkedHashMap<>(settings.record());
            recordDatasetFingerprint(recorded);
            apiKeySource(apiKey).ifPresent(source -> recorded.put(API_KEY_SOURCE_KEY, source));
            createRunDirectory();
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
        if (session.testRequest()) {
            Optional<Integer> stop = sendTestRequest(client, workload, console);
            if (stop.isPresent()) {
                return stop.get();
            }
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
     * one failure may be an injected or passing fault, and the results show every failure. A
     * resumed run stops instead when the server rejects the key (HTTP 401 or 403), because its
     * failures would replace the cut point's results.
     *
     * @return the exit status to stop with, or empty to go on
     */
    private Optional<Integer> sendTestRequest(NettyInferenceClient client, Workload workload,
            ProgressConsole console) {
        console.println("Sending a test request, which no result includes.");
        Optional<String> failure;
        try {
            failure = TestRequest.send(client, workload.get(workload.size() - 1L),
                    TEST_REQUEST_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(ExitCodes.INTERRUPTED);
        }
        if (failure.isEmpty()) {
            return Optional.empty();
        }
        String reason = failure.get();
        if (resume && (reason.startsWith("http_401") || reason.startsWith("http_403"))) {
            String source = recordedKeySource();
            context.err().println("tokenmark run: the test request failed (" + reason + "), so"
                    + " the server rejects the API key; the resumed run stopped before its"
                    + " failures could replace the results in " + layout.runDirectory() + "."
                    + " Check the key" + (source == null ? "."
                            : "; the run started with the key from " + describeKeySource(source)
                                    + "."));
            return Optional.of(ExitCodes.FAILED);
        }
        context.err().println("WARNING: the test request failed (" + reason + "); the run goes"
                + " on, and its results count every failure.");
        return Optional.empty();
    }

    private int outcome(RunResult result, ProgressConsole console) {
        Path dir = layout.runDirectory();
        if (stopRegistration.stopRequested() || result.outcome() == RunOutcome.STOPPED) {
            console.println("Stopped. Finished points and the cut point (written with complete:"
                    + " false) are in " + dir + ".");
            console.println("Continue the run with: " + resumeCommand(dir));
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
        console.println("Results are in " + dir + ". Compare runs with '" + LAUNCHER + " compare "
                + dir + " OTHER_RUN'; write an HTML report with '" + LAUNCHER + " report " + dir
                + "'.");
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

    /**
     * Returns the command that continues this run: {@code --resume} with the key file, and the
     * header names to give again, because a resumed run takes neither from {@code run.json}.
     */
    private String resumeCommand(Path dir) {
        StringBuilder command = new StringBuilder(LAUNCHER + " run --resume " + dir);
        if (session.apiKeyFile() != null) {
            command.append(" --api-key-file ")
                    .append(session.apiKeyFile().toAbsolutePath().normalize());
        }
        for (String header : settings.headers.keySet()) {
            command.append(" --header '").append(header).append(": ...'");
        }
        String variable = environmentKeyVariable();
        if (session.apiKeyFile() == null && variable != null) {
            command.append(" (with ").append(variable).append(" set)");
        }
        return command.toString();
    }

    /**
     * Rejects a resumed run that has no API key when the run it continues sent one: every
     * request would fail with 401, and the cut point's results would be replaced by failures.
     */
    private void checkResumedKey(ApiKey apiKey) {
        String source = recordedKeySource();
        if (apiKey != null || source == null) {
            return;
        }
        throw new UsageException("cannot resume " + layout.runDirectory() + ": the run sent an"
                + " API key (" + describeKeySource(source) + "), but this command has none, so"
                + " the server would reject every request. " + keyAdvice(source));
    }

    /**
     * Rejects {@code --no-test-request} on a resumed run that sent an API key: the test request
     * is the only check that the server still accepts the key before the cut point's results are
     * replaced, so a rejected key would turn them into 401 failures.
     */
    private void checkResumedKeyIsTested() {
        String source = recordedKeySource();
        if (session.testRequest() || source == null) {
            return;
        }
        throw new UsageException("cannot resume " + layout.runDirectory() + " with"
                + " --no-test-request: the run sent an API key (" + describeKeySource(source)
                + "), and the test request checks that the server still accepts it before the"
                + " cut point's results are replaced. Drop --no-test-request.");
    }

    /** Returns the recorded key source of the run being resumed, or {@code null} for none. */
    private String recordedKeySource() {
        return RunMetadata.read(layout.runFile()).settings().get(API_KEY_SOURCE_KEY);
    }

    private static String describeKeySource(String source) {
        if (source.startsWith("file:")) {
            return "--api-key-file " + source.substring("file:".length());
        }
        if (source.startsWith("env:")) {
            return "environment variable " + source.substring("env:".length());
        }
        return source;
    }

    /** Returns how to give the key the run used, from its recorded source. */
    private static String keyAdvice(String source) {
        if (source.startsWith("file:")) {
            return "Add --api-key-file " + source.substring("file:".length()) + " (or set "
                    + ApiKey.ENV_PRIMARY + ").";
        }
        if (source.startsWith("env:")) {
            return "Set " + source.substring("env:".length()) + ", or add --api-key-file FILE.";
        }
        return "Set " + ApiKey.ENV_PRIMARY + ", or add --api-key-file FILE.";
    }

    /** Returns where {@code apiKey} came from as {@link #API_KEY_SOURCE_KEY} records it. */
    private Optional<String> apiKeySource(ApiKey apiKey) {
        if (apiKey == null) {
            return Optional.empty();
        }
        if (session.apiKeyFile() != null) {
            return Optional.of("file:" + session.apiKeyFile().toAbsolutePath().normalize());
        }
        return Optional.ofNullable(environmentKeyVariable()).map(name -> "env:" + name);
    }

    /** Returns the variable {@link ApiKey#fromEnvironment} reads the key from, or null. */
    private String environmentKeyVariable() {
        for (String name : List.of(ApiKey.ENV_PRIMARY, ApiKey.ENV_FALLBACK)) {
            String value = context.environment().get(name);
            if (value != null && !value.isBlank()) {
                return name;
            }
        }
        return null;
    }

    /**
     * Returns whether every point of the resumed run is complete, after printing which, so that
     * such a run ends before the simulator starts or a test request is sent.
     */
    private boolean everyPointComplete() {
        Set<String> complete = new HashSet<>();
        if (Files.isRegularFile(layout.runSummaryFile())) {
            try {
                for (Summary summary : SummaryReader.readRunSummary(layout.runSummaryFile())) {
                    if (summary.complete()) {
                        complete.add(summary.load().label());
                    }
                }
            } catch (UncheckedIOException | IllegalArgumentException e) {
                // An unreadable summary: the run itself reports it when it resumes.
                return false;
            }
        }
        List<LoadPoint> points = settings.sweep().points();
        if (!points.stream().allMatch(point -> complete.contains(point.label()))) {
            return false;
        }
        for (LoadPoint point : points) {
            context.out().println("Point " + point.label() + " is already complete in "
                    + layout.runDirectory() + "; skipping it.");
        }
        context.out().println("Every point of " + layout.runDirectory()
                + " is already complete; nothing to run.");
        return true;
    }

    /**
     * Creates the run folder before the simulator starts and the test request is sent, so that
     * an unwritable {@code --out} is reported first.
     */
    private void createRunDirectory() {
        try {
            Files.createDirectories(layout.runDirectory());
        } catch (IOException e) {
            throw UsageException.invalid("--out", layout.runDirectory().getParent().toString(),
                    "cannot create the run folder " + layout.runDirectory() + " (" + e
                            + "); give a writable folder");
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
