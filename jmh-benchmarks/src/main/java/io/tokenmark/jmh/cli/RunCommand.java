package io.tokenmark.jmh.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code tokenmark run}: benchmarks an OpenAI-compatible endpoint, or the embedded simulator
 * without {@code --url}, over a sweep of concurrencies or request rates, and writes the run
 * folder that {@code docs/output-format.md} describes.
 *
 * <p>Flag values are plain strings here and are checked by {@link RunSettings} and
 * {@link RunSession}, so that every error names the flag, the value and what is allowed, and so
 * that {@code --resume} can compare them with the recorded run.
 */
@Command(name = "run", sortOptions = false, mixinStandardHelpOptions = true,
        versionProvider = Version.Provider.class,
        description = {
            "Benchmarks an OpenAI-compatible streaming endpoint (or, without --url, the embedded"
                    + " simulator) over a sweep of concurrencies or request rates. Prints a table"
                    + " per point and writes <out>/<label>/: run.json, requests.jsonl,"
                    + " summary-<point>.json and summary.json.",
            "The API key comes from TOKENMARK_API_KEY, else OPENAI_API_KEY, or from"
                    + " --api-key-file; it is never given as a flag and never written.",
            "Ctrl-C stops the run: requests in flight get --stop-grace to finish, the cut point is"
                    + " written with complete: false, and --resume continues it.",
            "Exit status: 0 done, 1 every request failed or a point failed, 2 invalid flags,"
                    + " 130 stopped by Ctrl-C.",
            ""})
public final class RunCommand implements Callable<Integer> {
    @ParentCommand
    TokenMarkCommand parent;

    // ---- target ----

    @Option(names = "--url", paramLabel = "URL", order = 10,
            description = "Base URL of the OpenAI API, such as http://127.0.0.1:8000/v1, not"
                    + " an endpoint: /chat/completions or /completions is appended. Default:"
                    + " none, which starts the embedded simulator.")
    String url;

    @Option(names = "--model", paramLabel = "NAME", order = 11,
            description = "Model name sent in every request. Required with --url. Default with"
                    + " the simulator: tokenmark-simulator.")
    String model;

    @Option(names = "--api", paramLabel = "API", order = 12,
            description = "chat (POST /chat/completions with messages) or completions (POST"
                    + " /completions with a prompt). Default: chat.")
    String api;

    @Option(names = "--profile", paramLabel = "NAME", order = 13,
            description = "Embedded simulator profile: fixed (50 ms to the first token, then one"
                    + " every 10 ms), fast (1 ms steps), ep8 or tp4pp2 (calibrated to"
                    + " Qwen3-235B-A22B-GPTQ-Int4 on vLLM 0.9.2, 8xA100 40 GB). Only without"
                    + " --url. Default: fixed.")
    String profile;

    @Option(names = "--time-scale", paramLabel = "FACTOR", order = 14,
            description = "Multiplies every simulated duration: 0.05 runs the simulator 20 times"
                    + " faster, and every time measured shrinks by the same factor. Only without"
                    + " --url. Default: 1.")
    String timeScale;

    // ---- load ----

    @Option(names = {"--concurrency", "-c"}, paramLabel = "N[,N...]", order = 20,
            description = "Closed loop: concurrent users per point, each sending its next request"
                    + " when its last one ends, such as 1,10,50,100. Default: 1.")
    String concurrency;

    @Option(names = {"--number", "-n"}, paramLabel = "N[,N...]", order = 21,
            description = "Measured requests per point: one count for every point, or one per"
                    + " point, such as 10,20,100,200. Default: " + RunSettings.DEFAULT_NUMBER + ".")
    String number;

    @Option(names = "--duration", paramLabel = "DURATION", order = 22,
            description = "Ends each point after this much measured load instead of --number,"
                    + " such as 60s or 5m (units ms, s, m, h). Default: none.")
    String duration;

    @Option(names = "--rate", paramLabel = "RATE[,RATE...]", order = 23,
            description = "Open loop: mean arrival rate per point in requests per second, or inf"
                    + " to send every request at once, such as 1,2.5,inf. Replaces"
                    + " --concurrency. Default: none.")
    String rate;

    @Option(names = "--burstiness", paramLabel = "SHAPE", order = 24,
            description = "With --rate: gamma shape of the gaps between arrivals; 1 is Poisson,"
                    + " lower is burstier, higher is steadier. Default: 1.")
    String burstiness;

    @Option(names = "--max-concurrency", paramLabel = "N", order = 25,
            description = "With --rate: maximum requests in flight; later arrivals wait, which shows"
                    + " as schedule lag. Default: no limit.")
    String maxConcurrency;

    @Option(names = "--warmup", paramLabel = "N", order = 26,
            description = "Warm-up requests per point, sent first at the same load and left out"
                    + " of every result. Default: 0.")
    String warmup;

    // ---- workload ----

    @Option(names = "--dataset", paramLabel = "NAME", order = 30,
            description = "random (prompts of an exact token length), jsonl (one {\"prompt\"} or"
                    + " {\"messages\"} object per line), sharegpt (a ShareGPT JSON file) or lines"
                    + " (one prompt per line). Default: random.")
    String dataset;

    @Option(names = "--dataset-path", paramLabel = "FILE", order = 31,
            description = "The dataset file of jsonl, sharegpt and lines, in UTF-8.")
    String datasetPath;

    @Option(names = "--input-tokens", paramLabel = "TOKENS", order = 32,
            description = "random: mean prompt length in tokens of --tokenizer, after the prefix."
                    + " Default: 1024.")
    String inputTokens;

    @Option(names = "--output-tokens", paramLabel = "TOKENS", order = 33,
            description = "max_tokens of each request: the mean for random, the value for records"
                    + " without one otherwise. Default: 128 for random, the records' own or the"
                    + " server's otherwise. The embedded simulator responds with this many tokens.")
    String outputTokens;

    @Option(names = "--range-ratio", paramLabel = "FRACTION", order = 34,
            description = "random: prompt and output lengths vary uniformly by this fraction"
                    + " either way, in [0, 1). Default: 0.")
    String rangeRatio;

    @Option(names = "--prefix-tokens", paramLabel = "TOKENS", order = 35,
            description = "random: length in tokens of a prefix shared by every prompt, for"
                    + " prefix-cache tests. Default: 0.")
    String prefixTokens;

    @Option(names = "--prompts", paramLabel = "N", order = 36,
            description = "Distinct prompts to build or read; points send them in order and wrap"
                    + " around. Default: random builds as many as the largest point sends"
                    + " (warm-up included, at most " + RunSettings.MAX_DEFAULT_PROMPTS
                    + "); files use every record.")
    String prompts;

    @Option(names = "--ignore-eos", order = 37,
            description = "Sends ignore_eos, so a vLLM-like server generates max_tokens tokens.")
    Boolean ignoreEos;

    @Option(names = "--tokenizer", paramLabel = "PATH", order = 38,
            description = "The target model's tokenizer.json, tokenizer.json.gz or model folder,"
                    + " for exact prompt lengths and for token counts the server does not report."
                    + " Default: the bundled Qwen3 tokenizer.")
    String tokenizer;

    @Option(names = "--seed", paramLabel = "N", order = 39,
            description = "Seeds the prompts, the arrival schedules and the simulator. Default: 0.")
    String seed;

    @Option(names = "--slo", paramLabel = "METRIC=MS[,...]", order = 40,
            description = "Service-level objectives for goodput, in milliseconds per request:"
                    + " ttft, tpot, itl, e2el, such as ttft=500,tpot=50. Default: none.")
    String slo;

    // ---- connection ----

    @Option(names = "--header", paramLabel = "'NAME: VALUE'", order = 50,
            description = "Extra request header; repeat for more. Values are never written to"
                    + " the results. Not for keys: use --api-key-file.")
    List<String> headers = new ArrayList<>();

    @Option(names = "--api-key-file", paramLabel = "FILE", order = 51,
            description = "File holding the API key on one line, sent as Authorization: Bearer."
                    + " Default: TOKENMARK_API_KEY, else OPENAI_API_KEY, else no key.")
    String apiKeyFile;

    @Option(names = "--insecure", order = 52,
            description = "Turns TLS certificate verification off (self-signed test servers"
                    + " only); prints a warning.")
    Boolean insecure;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", order = 53,
            description = "Time allowed to open a connection (TCP and TLS). Default: 10s.")
    String connectTimeout;

    @Option(names = "--read-timeout", paramLabel = "DURATION", order = 54,
            description = "A request fails with read_timeout after this long without a byte;"
                    + " 0 turns it off. Default: 10m.")
    String readTimeout;

    @Option(names = "--request-timeout", paramLabel = "DURATION", order = 55,
            description = "Total time allowed per request; when it passes, the request is"
                    + " cancelled. 0 turns it off. Default: 0.")
    String requestTimeout;

    @Option(names = "--io-threads", paramLabel = "N", order = 56,
            description = "Client event-loop threads. Default: the available processors.")
    String ioThreads;

    // ---- results and session ----

    @Option(names = "--label", paramLabel = "NAME", order = 60,
            description = "Name of the run and of its folder, such as ep8; letters, digits,"
                    + " '.', '_' and '-'. Default: the simulator profile, else the model name.")
    String label;

    @Option(names = "--out", paramLabel = "DIR", order = 61,
            description = "Folder that receives the run folder <label>. Default: "
                    + RunSettings.DEFAULT_OUT + ".")
    String out;

    @Option(names = "--resume", paramLabel = "DIR", order = 62,
            description = "Continues the run in DIR (<out>/<label>) after Ctrl-C or a crash:"
                    + " complete points are kept, the cut point runs again, later points follow."
                    + " Flags left out take the recorded values; a flag that contradicts them is"
                    + " rejected. Give --api-key-file again if the run used one.")
    String resume;

    @Option(names = "--stop-grace", paramLabel = "DURATION", order = 63,
            description = "After Ctrl-C, time requests in flight get to finish before they are"
                    + " cancelled. Default: " + RunSession.DEFAULT_STOP_GRACE_TEXT + ".")
    String stopGrace;

    @Option(names = "--progress", paramLabel = "MODE", order = 64,
            description = "auto (redrawn in place on a terminal, else a line every"
                    + " --progress-interval), terminal, plain or off. Default: auto.")
    String progress;

    @Option(names = "--progress-interval", paramLabel = "DURATION", order = 65,
            description = "Time between progress lines when they are not redrawn in place."
                    + " Default: " + RunSession.DEFAULT_PLAIN_INTERVAL_TEXT + ".")
    String progressInterval;

    @Option(names = "--no-test-request", order = 66,
            description = "Skips the request sent before the sweep and left out of the results,"
                    + " which checks the endpoint and loads the client's code so the first"
                    + " measured requests of a fresh JVM are not slowed by it.")
    Boolean noTestRequest;

    @Option(names = {"--verbose", "-v"}, order = 67,
            description = "Logs what the harness does (points starting, summaries written) to"
                    + " standard error.")
    boolean verbose;

    @Override
    public Integer call() {
        CliContext context = parent.context();
        try {
            RunSession session = RunSession.parse(sessionFlags(), context.terminal());
            RunSettings settings = resume == null
                    ? RunSettings.parse(recordedFlags(), headers, context.availableProcessors())
                    : RunResume.settings(Path.of(resume), recordedFlags(), headers,
                            context.availableProcessors());
            return new RunExecution(context, settings, session, resume != null).execute();
        } catch (UsageException e) {
            context.err().println("tokenmark run: " + e.getMessage());
            context.err().println("Run 'tokenmark run --help' to see every flag.");
            return ExitCodes.USAGE;
        }
    }

    /** Returns the recorded flags that were given, by name. */
    Map<String, String> recordedFlags() {
        Map<String, String> flags = new LinkedHashMap<>();
        put(flags, "--url", url);
        put(flags, "--model", model);
        put(flags, "--api", api);
        put(flags, "--profile", profile);
        put(flags, "--time-scale", timeScale);

        put(flags, "--concurrency", concurrency);
        put(flags, "--number", number);
        put(flags, "--duration", duration);
        put(flags, "--rate", rate);
        put(flags, "--burstiness", burstiness);
        put(flags, "--max-concurrency", maxConcurrency);
        put(flags, "--warmup", warmup);

        put(flags, "--dataset", dataset);
        put(flags, "--dataset-path", datasetPath);
        put(flags, "--input-tokens", inputTokens);
        put(flags, "--output-tokens", outputTokens);
        put(flags, "--range-ratio", rangeRatio);
        put(flags, "--prefix-tokens", prefixTokens);
        put(flags, "--prompts", prompts);
        put(flags, "--ignore-eos", ignoreEos == null ? null : ignoreEos.toString());
        put(flags, "--tokenizer", tokenizer);
        put(flags, "--seed", seed);
        put(flags, "--slo", slo);

        put(flags, "--connect-timeout", connectTimeout);
        put(flags, "--read-timeout", readTimeout);
        put(flags, "--request-timeout", requestTimeout);
        put(flags, "--io-threads", ioThreads);
        put(flags, "--insecure", insecure == null ? null : insecure.toString());

        put(flags, "--label", label);
        put(flags, "--out", out);
        return flags;
    }

    /** Returns the flags of this invocation only, which a resumed run does not take over. */
    private Map<String, String> sessionFlags() {
        Map<String, String> flags = new LinkedHashMap<>();
        put(flags, "--stop-grace", stopGrace);
        put(flags, "--progress", progress);
        put(flags, "--progress-interval", progressInterval);
        put(flags, "--api-key-file", apiKeyFile);
        put(flags, "--no-test-request", noTestRequest == null ? null : noTestRequest.toString());
        return flags;
    }

    private static void put(Map<String, String> flags, String name, String value) {
        if (value != null) {
            flags.put(name, value);
        }
    }
}
