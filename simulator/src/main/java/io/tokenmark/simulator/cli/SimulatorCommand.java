package io.tokenmark.simulator.cli;

import io.tokenmark.core.tokenizer.Tokenizer;
import io.tokenmark.simulator.Simulator;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.engine.BatchingProfile;
import io.tokenmark.simulator.engine.EngineProfile;
import io.tokenmark.simulator.fault.Fault;
import io.tokenmark.simulator.fault.FaultPlan;
import io.tokenmark.simulator.openai.TokenizerPromptCounter;
import io.tokenmark.simulator.profile.Profiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The command line of the runnable jar: starts a simulator and serves until interrupted.
 *
 * <pre>
 * java -jar simulator/target/tokenmark-simulator.jar --port 8000 --profile ep8
 * </pre>
 *
 * <p>Exit codes: 0 after a clean stop (Ctrl-C or SIGTERM), 2 for an invalid option, 1 when the
 * server cannot start.
 */
@Command(name = "tokenmark-simulator", mixinStandardHelpOptions = true,
        version = "TokenMark simulator 0.1.0",
        sortOptions = false,
        description = {
            "Serves an OpenAI-compatible API (GET /health, GET /v1/models, POST"
                    + " /v1/chat/completions, POST /v1/completions) whose timing comes from a"
                    + " model of a continuous-batching inference engine.",
            "Faults can be injected per request with the header X-TokenMark-Fault, for example"
                    + " 'X-TokenMark-Fault: reset_after=5'.",
            ""})
public final class SimulatorCommand implements Callable<Integer> {
    @Option(names = "--host", paramLabel = "ADDRESS",
            description = "Address to bind. Default: ${DEFAULT-VALUE}, reachable from this"
                    + " machine only; 0.0.0.0 binds every interface.")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "PORT",
            description = "TCP port; 0 picks a free port. Default: ${DEFAULT-VALUE}.")
    int port = 8000;

    @Option(names = "--profile", paramLabel = "NAME",
            description = "Engine profile: fixed (a set TTFT and time between tokens), fast"
                    + " (1 ms steps, for client throughput tests), ep8 or tp4pp2 (calibrated to"
                    + " Qwen3-235B-A22B-GPTQ-Int4 on vLLM 0.9.2, 8xA100 40 GB, expert parallel"
                    + " or TP=4 with PP=2). Default: ${DEFAULT-VALUE}.")
    String profile = Profiles.FIXED;

    @Option(names = "--time-scale", paramLabel = "FACTOR",
            description = "Multiplies every simulated duration: 0.1 runs ten times faster."
                    + " Default: ${DEFAULT-VALUE}.")
    double timeScale = 1;

    @Option(names = "--ttft-ms", paramLabel = "MS",
            description = "Time to first token of the fixed profile, in milliseconds."
                    + " Default: ${DEFAULT-VALUE}.")
    double ttftMillis = Profiles.DEFAULT_FIXED_TTFT.toMillis();

    @Option(names = "--itl-ms", paramLabel = "MS",
            description = "Time between token events of the fixed profile, in milliseconds."
                    + " Default: ${DEFAULT-VALUE}.")
    double itlMillis = Profiles.DEFAULT_FIXED_ITL.toMillis();

    @Option(names = "--jitter", paramLabel = "FRACTION",
            description = "Relative step-time jitter of the batching profiles (fast, ep8,"
                    + " tp4pp2), in [0, 1); each step lasts its time times a seeded factor in"
                    + " [1 - FRACTION, 1 + FRACTION]. Default: 0 (none).")
    Double jitter;

    @Option(names = "--model", paramLabel = "NAME",
            description = "The model name served; requests naming another get 404."
                    + " Default: ${DEFAULT-VALUE}.")
    String model = SimulatorOptions.DEFAULT_MODEL;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seeds generated text, answer lengths, jitter and fault choices."
                    + " Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--answer-tokens", paramLabel = "N",
            description = "Natural answer length in tokens, where the model emits"
                    + " end-of-sequence; max_tokens, min_tokens and ignore_eos bound it."
                    + " Default: ${DEFAULT-VALUE}.")
    int answerTokens = 256;

    @Option(names = "--answer-spread", paramLabel = "FRACTION",
            description = "Natural answer lengths vary uniformly by this fraction around"
                    + " --answer-tokens, seeded per request, in [0, 1). Default: ${DEFAULT-VALUE}.")
    double answerSpread;

    @Option(names = "--reasoning-share", paramLabel = "FRACTION",
            description = "Share of each chat answer's tokens streamed first as"
                    + " reasoning_content, in [0, 1]. Default: ${DEFAULT-VALUE}.")
    double reasoningShare;

    @Option(names = "--tokens-per-chunk", paramLabel = "N",
            description = "Tokens per token event after the first, as speculative decoding"
                    + " produces. Default: ${DEFAULT-VALUE}.")
    int tokensPerChunk = 1;

    @Option(names = "--fault-share", paramLabel = "FRACTION",
            description = "Share of requests that get one of --faults, chosen with the seed,"
                    + " in [0, 1]. Default: ${DEFAULT-VALUE}.")
    double faultShare;

    @Option(names = "--faults", paramLabel = "FAULT", split = ",",
            description = "Faults for --fault-share, comma-separated, in the syntax of the"
                    + " X-TokenMark-Fault header: http_<400-599>, error_after=K, reset_after=K,"
                    + " stall_after=K, close_after=K, malformed_after=K,"
                    + " oversize_after=K[;bytes=N], headers_never, slow_headers=MS,"
                    + " trickle[=MS]. K counts token events.")
    List<String> faults = new ArrayList<>();

    @Option(names = "--oversize-event-bytes", paramLabel = "BYTES",
            description = "Size of an oversize_after event without ';bytes='."
                    + " Default: ${DEFAULT-VALUE} (17 MiB).")
    int oversizeEventBytes = SimulatorOptions.DEFAULT_OVERSIZE_EVENT_BYTES;

    @Option(names = "--max-request-bytes", paramLabel = "BYTES",
            description = "Largest request body accepted; larger ones get 413."
                    + " Default: ${DEFAULT-VALUE} (16 MiB).")
    int maxRequestBytes = SimulatorOptions.DEFAULT_MAX_REQUEST_BYTES;

    @Option(names = "--api-key-env", paramLabel = "VARIABLE",
            description = "Require 'Authorization: Bearer <key>', with the key read from this"
                    + " environment variable (keys are never given on the command line)."
                    + " Default: no key required.")
    String apiKeyVariable;

    @Option(names = "--tokenizer", paramLabel = "PATH",
            description = "Counts prompt tokens (usage.prompt_tokens and the simulated prefill)"
                    + " with this tokenizer.json, tokenizer.json.gz or model folder, chat"
                    + " template included. Default: the bundled Qwen3 tokenizer in tokenmark.jar;"
                    + " tokenmark-simulator.jar has no tokenizer and counts about 4 characters"
                    + " per token.")
    Path tokenizer;

    @Option(names = "--nio",
            description = "Use Java NIO instead of Linux epoll; NIO timers are precise to"
                    + " about a millisecond only.")
    boolean nio;

    @Spec
    CommandSpec spec;

    private final Map<String, String> environment;

    /**
     * Creates the command, for {@link #main} or as a subcommand of another command line.
     *
     * @param environment the environment variables, which {@code --api-key-env} reads
     */
    public SimulatorCommand(Map<String, String> environment) {
        this.environment = environment;
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        configureLogging();
        System.exit(commandLine(System.getenv()).execute(args));
    }

    /**
     * Returns the command line of the standalone jar, whose parse errors mask the value of an
     * unknown credential-like option.
     */
    public static CommandLine commandLine(Map<String, String> environment) {
        CommandLine commandLine = new CommandLine(new SimulatorCommand(environment));
        commandLine.setParameterExceptionHandler(SimulatorCommand::reportInvalidArguments);
        return commandLine;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        String name = spec.qualifiedName();
        SimulatorOptions options;
        Tokenizer promptTokenizer;
        try {
            options = options();
            promptTokenizer = PromptTokenizers.load(tokenizer);
        } catch (IllegalArgumentException e) {
            err.println(name + ": " + e.getMessage());
            err.println("Run '" + name + " --help' to see every flag.");
            err.flush();
            return 2;
        }

        options = countingWith(options, promptTokenizer);

        Simulator simulator;
        try {
            simulator = Simulator.start(options);
        } catch (Exception e) {
            // Netty rethrows the checked bind error (such as NativeIoException) undeclared, so
            // this catches Exception rather than only the documented IllegalStateException.
            PromptTokenizers.close(promptTokenizer);
            err.println(name + ": " + BindFailure.describe(host, port, e));
            err.flush();
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            PromptTokenizers.close(promptTokenizer);
            stopped.countDown();
        }, "tokenmark-simulator-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            simulator.close();
            PromptTokenizers.close(promptTokenizer);
        }
        return 0;
    }

    /**
     * Builds the simulator options from the flags.
     *
     * @throws IllegalArgumentException naming the invalid flag value
     */
    SimulatorOptions options() {
        EngineProfile engineProfile = Profiles.byName(profile);
        boolean fixedTimingGiven = ttftMillis != Profiles.DEFAULT_FIXED_TTFT.toMillis()
                || itlMillis != Profiles.DEFAULT_FIXED_ITL.toMillis();
        if (profile.equals(Profiles.FIXED)) {
            engineProfile = Profiles.fixed(millis("--ttft-ms", ttftMillis),
                    millis("--itl-ms", itlMillis));
        } else if (fixedTimingGiven) {
            throw new IllegalArgumentException("--ttft-ms and --itl-ms apply to the fixed"
                    + " profile only, not to '" + profile + "': drop them or use --profile fixed");
        }
        if (jitter != null) {
            if (!(engineProfile instanceof BatchingProfile batching)) {
                throw new IllegalArgumentException("--jitter applies to the batching profiles"
                        + " (fast, ep8, tp4pp2), not to '" + profile + "'");
            }
            engineProfile = batching.toBuilder().jitter(jitter).build();
        }

        List<Fault> faultList = new ArrayList<>();
        for (String fault : faults) {
            faultList.add(Fault.parse(fault));
        }
        String apiKey = null;
        if (apiKeyVariable != null) {
            apiKey = environment.get(apiKeyVariable);
            if (apiKey == null || apiKey.isBlank()) {
                throw new IllegalArgumentException("--api-key-env " + apiKeyVariable
                        + ": the environment variable is unset or empty; export it first");
            }
        }

        return SimulatorOptions.builder()
                .host(host)
                .port(port)
                .profile(engineProfile)
                .timeScale(timeScale)
                .modelName(model)
                .seed(seed)
                .answerTokens(answerTokens)
                .answerSpread(answerSpread)
                .reasoningShare(reasoningShare)
                .tokensPerChunk(tokensPerChunk)
                .faultPlan(new FaultPlan(faultShare, faultList, seed))
                .oversizeEventBytes(oversizeEventBytes)
                .maxRequestBytes(maxRequestBytes)
                .requiredApiKey(apiKey)
                // Ground truth is read in-process only; the standalone server keeps none.
                .groundTruthCapacity(0)
                .nativeTransport(!nio)
                .build();
    }

    /** Returns {@code options} that count prompt tokens with {@code tokenizer}, if not null. */
    static SimulatorOptions countingWith(SimulatorOptions options, Tokenizer tokenizer) {
        if (tokenizer == null) {
            return options;
        }
        return options.toBuilder().promptTokenCounter(new TokenizerPromptCounter(tokenizer)).build();
    }

    private static Duration millis(String flag, double millis) {
        if (!(millis >= 0) || Double.isInfinite(millis)) {
            throw new IllegalArgumentException(
                    "invalid " + flag + " " + millis + ": must be a finite number of at least 0");
        }
        return Duration.ofNanos(Math.round(millis * 1_000_000));
    }

    /**
     * Prints the parse error and a pointer to the help, with the value of an
     * unknown credential-like option, such as {@code --api-key sk-…}, masked.
     */
    private static int reportInvalidArguments(CommandLine.ParameterException e, String[] args) {
        CommandLine failed = e.getCommandLine();
        PrintWriter err = failed.getErr();
        String name = failed.getCommandSpec().qualifiedName();
        List<String> secrets = SecretArguments.secretValues(args,
                option -> failed.getCommandSpec().findOption(option) != null);
        err.println(name + ": " + SecretArguments.mask(e.getMessage(), secrets));
        if (!secrets.isEmpty()) {
            err.println("Keys are never given on the command line: name an environment variable"
                    + " that holds the key with --api-key-env.");
        }
        err.println("Run '" + name + " --help' to see every flag.");
        return 2;
    }

    /** Sets slf4j-simple's defaults (time stamps, thread names) unless given with -D. */
    private static void configureLogging() {
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "info");
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
