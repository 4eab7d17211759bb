package io.tokenmark.jmh.cli;

import io.tokenmark.core.client.ApiKind;
import io.tokenmark.core.metric.Slo;
import io.tokenmark.core.report.OutputLayout;
import io.tokenmark.core.sampler.LoadPoint;
import io.tokenmark.core.workload.WorkloadFactory;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.cli.SecretArguments;
import io.tokenmark.simulator.profile.Profiles;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The parse steps of {@link RunSettings#parse}: target, load, workload, limits, headers and
 * destination, each validating its flags and filling the fields of its part. Defaults are set
 * here. Not thread-safe; used once.
 */
final class RunSettingsParser {
    private static final List<String> RANDOM_ONLY =
            List.of("--input-tokens", "--range-ratio", "--prefix-tokens");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final int MAX_IO_THREADS = 1024;
    private static final int MAX_PORT = 65_535;

    private final Map<String, String> flags;
    private final int availableProcessors;

    URI url;
    String model;
    ApiKind api;
    String profile;
    double timeScale = 1;
    int[] concurrency;
    double[] rates;
    double burstiness = 1;
    int maxConcurrency;
    int[] number;
    Duration duration;
    int warmup;
    String dataset;
    Path datasetPath;
    Integer inputTokens;
    Integer outputTokens;
    Double rangeRatio;
    Integer prefixTokens;
    int prompts;
    boolean ignoreEos;
    Path tokenizer;
    long seed;
    Slo slo = Slo.none();
    Duration connectTimeout;
    Duration readTimeout;
    Duration requestTimeout;
    int ioThreads;
    boolean insecure;
    Map<String, String> headers;
    String label;
    Path out;

    RunSettingsParser(Map<String, String> flags, int availableProcessors) {
        this.flags = flags;
        this.availableProcessors = availableProcessors;
    }

    private String get(String flag) {
        return flags.get(flag);
    }

    private boolean has(String flag) {
        return flags.get(flag) != null;
    }

    void parseTarget() {
        if (has("--url")) {
            url = parseUrl(get("--url"));
            for (String flag : List.of("--profile", "--time-scale")) {
                if (has(flag)) {
                    throw new UsageException(flag + " applies to the embedded simulator,"
                            + " which runs only without --url: drop " + flag + " or --url");
                }
            }
            if (!has("--model")) {
                throw new UsageException("missing --model: give the model name the server at "
                        + url + " serves (GET /v1/models lists them)");
            }
        } else {
            profile = has("--profile") ? get("--profile").strip() : Profiles.FIXED;
            if (!Profiles.names().contains(profile)) {
                throw UsageException.invalid("--profile", get("--profile"),
                        "use one of " + String.join(", ", Profiles.names()));
            }
            if (has("--time-scale")) {
                timeScale = Flags.parseDouble("--time-scale", get("--time-scale"), 0, false,
                        Double.POSITIVE_INFINITY, false,
                        "a number above 0, such as 1 (real time) or 0.05 (20 times faster)");
            }
        }
        if (has("--model")) {
            model = get("--model").strip();
            if (model.isEmpty()) {
                throw UsageException.invalid("--model", get("--model"),
                        "give the model name the server serves");
            }
        } else {
            model = SimulatorOptions.DEFAULT_MODEL;
        }
        api = ApiKind.CHAT;
        if (has("--api")) {
            try {
                api = ApiKind.parse(get("--api").strip());
            } catch (IllegalArgumentException e) {
                throw UsageException.invalid("--api", get("--api"), "use chat or completions");
            }
        }
    }

    private URI parseUrl(String value) {
        // Every message shows the URL with its user info and query values masked, because
        // either may carry a key.
        String maskedUrl = SecretArguments.maskUrl(value);
        URI parsed;
        try {
            parsed = new URI(value.strip());
        } catch (URISyntaxException e) {
            throw UsageException.invalid("--url", maskedUrl, "not a URL ("
                    + SecretArguments.maskUrl(e.getReason()) + "); give the API's base URL,"
                    + " such as http://127.0.0.1:8000/v1");
        }
        String scheme = parsed.getScheme() == null
                ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw UsageException.invalid("--url", maskedUrl,
                    "use http:// or https://, such as http://127.0.0.1:8000/v1");
        }
        if (parsed.getRawUserInfo() != null) {
            throw UsageException.invalid("--url", maskedUrl,
                    "credentials in a URL end up in shell history; remove them and set the key"
                            + " in TOKENMARK_API_KEY or a file given with --api-key-file");
        }
        if (parsed.getRawQuery() != null || parsed.getRawFragment() != null) {
            throw UsageException.invalid("--url", maskedUrl,
                    "remove the query and fragment and give the API's base URL, such as"
                            + " http://127.0.0.1:8000/v1; a key goes in TOKENMARK_API_KEY or in"
                            + " a file given with --api-key-file");
        }
        String authority = parsed.getRawAuthority();
        if (parsed.getHost() == null && authority != null && authority.matches(".*:[0-9]+")) {
            // java.net.URI parses a port above Integer.MAX_VALUE as no host at all.
            throw UsageException.invalid("--url", maskedUrl, "the port is out of range; the port must"
                    + " be 1 to " + MAX_PORT + ", such as http://127.0.0.1:8000/v1");
        }
        if (parsed.getHost() == null) {
            throw UsageException.invalid("--url", maskedUrl,
                    "it has no host name; give one such as http://127.0.0.1:8000/v1");
        }
        if (parsed.getPort() != -1 && (parsed.getPort() < 1 || parsed.getPort() > MAX_PORT)) {
            throw UsageException.invalid("--url", maskedUrl, "port " + parsed.getPort()
                    + " is out of range; the port must be 1 to " + MAX_PORT + ", such as"
                    + " http://127.0.0.1:8000/v1");
        }
        String path = parsed.getRawPath() == null ? "" : parsed.getRawPath();
        if (path.isEmpty() || path.equals("/")) {
            throw UsageException.invalid("--url", maskedUrl, "it has no path; the API is"
                    + " usually under /v1, such as " + scheme + "://" + parsed.getRawAuthority()
                    + "/v1");
        }
        String trimmedPath = path.replaceAll("/+$", "");
        for (String endpoint : List.of("/chat/completions", "/completions")) {
            if (trimmedPath.endsWith(endpoint)) {
                String base = trimmedPath.substring(0, trimmedPath.length() - endpoint.length());
                throw UsageException.invalid("--url", maskedUrl, "give the API's base URL, not an"
                        + " endpoint: TokenMark appends /chat/completions or /completions"
                        + " (--api), so use " + scheme + "://" + parsed.getRawAuthority()
                        + (base.isEmpty() ? "/v1" : base));
            }
        }
        return parsed;
    }

    void parseLoad() {
        if (has("--rate")) {
            if (has("--concurrency")) {
                throw new UsageException("--concurrency sets a closed loop and --rate an open"
                        + " loop: give one of them; to cap the requests in flight of an open"
                        + " loop, add --max-concurrency");
            }
            rates = Flags.parseRates("--rate", get("--rate"));
            if (has("--burstiness")) {
                burstiness = Flags.parseDouble("--burstiness", get("--burstiness"), 0, false,
                        Double.POSITIVE_INFINITY, false,
                        "a number above 0 (1 is Poisson, below 1 burstier, above 1 steadier)");
            }
            if (has("--max-concurrency")) {
                maxConcurrency = Flags.parseInt("--max-concurrency", get("--max-concurrency"),
                        1, LoadPoint.MAX_USERS);
            }
        } else {
            for (String flag : List.of("--burstiness", "--max-concurrency")) {
                if (has(flag)) {
                    throw new UsageException(flag + " applies to an open loop: add --rate,"
                            + " or drop " + flag + " and use --concurrency for a closed loop");
                }
            }
            concurrency = has("--concurrency")
                    ? Flags.parseIntList("--concurrency", get("--concurrency"), 1,
                            LoadPoint.MAX_USERS, true)
                    : new int[] {1};
        }
        int points = rates != null ? rates.length : concurrency.length;

        if (has("--number") && has("--duration")) {
            throw new UsageException("--number and --duration both end a point: give one");
        }
        if (has("--duration")) {
            duration = Flags.parseDuration("--duration", get("--duration"), false);
            if (duration.compareTo(LoadPoint.MAX_DURATION) > 0) {
                throw UsageException.invalid("--duration", get("--duration"),
                        "must be at most 365 days");
            }
            if (rates != null && Arrays.stream(rates).anyMatch(Double::isInfinite)) {
                throw new UsageException("--duration cannot end a point at --rate inf, which"
                        + " sends every request at once: give --number instead");
            }
        } else {
            number = has("--number")
                    ? Flags.parseIntList("--number", get("--number"), 1, RunSettings.MAX_REQUESTS, false)
                    : new int[] {RunSettings.DEFAULT_NUMBER};
            if (number.length != 1 && number.length != points) {
                throw UsageException.invalid("--number", get("--number"), "give one count for"
                        + " every point or one per point; there are " + points + " points ("
                        + (rates != null ? "--rate " + Flags.formatList(rates)
                                : "--concurrency " + Flags.formatList(concurrency)) + ")");
            }
        }
        if (has("--warmup")) {
            warmup = Flags.parseInt("--warmup", get("--warmup"), 0, RunSettings.MAX_REQUESTS);
        }
    }

    void parseWorkload() {
        dataset = has("--dataset") ? get("--dataset").strip() : "random";
        if (!WorkloadFactory.NAMES.contains(dataset)) {
            throw UsageException.invalid("--dataset", get("--dataset"),
                    "use " + String.join(", ", WorkloadFactory.NAMES));
        }
        if (dataset.equals("random")) {
            if (has("--dataset-path")) {
                throw new UsageException("--dataset-path applies to the jsonl, sharegpt and"
                        + " lines datasets: drop it, or give --dataset with the file's format");
            }
        } else {
            if (!has("--dataset-path")) {
                throw new UsageException("missing --dataset-path: --dataset " + dataset
                        + " reads its prompts from a file; give the file");
            }
            datasetPath = parsePath("--dataset-path", get("--dataset-path"));
            for (String flag : RANDOM_ONLY) {
                if (has(flag)) {
                    throw new UsageException(flag + " applies to --dataset random only, not to "
                            + dataset + ": drop it");
                }
            }
        }

        int maxTokens = RunSettings.MAX_TOKENS;
        if (has("--input-tokens")) {
            inputTokens = Flags.parseInt("--input-tokens", get("--input-tokens"), 0, maxTokens);
        }
        if (has("--output-tokens")) {
            outputTokens = Flags.parseInt("--output-tokens", get("--output-tokens"), 1,
                    maxTokens);
        }
        if (has("--range-ratio")) {
            rangeRatio = Flags.parseDouble("--range-ratio", get("--range-ratio"), 0, true, 1,
                    false, "a number from 0 up to, but not including, 1, such as 0.1");
        }
        if (has("--prefix-tokens")) {
            prefixTokens = Flags.parseInt("--prefix-tokens", get("--prefix-tokens"), 0,
                    maxTokens);
        }
        if (dataset.equals("random")) {
            // The defaults of WorkloadFactory, made explicit so run.json records them.
            inputTokens = inputTokens == null ? RunSettings.DEFAULT_INPUT_TOKENS : inputTokens;
            outputTokens = outputTokens == null ? RunSettings.DEFAULT_OUTPUT_TOKENS : outputTokens;
            rangeRatio = rangeRatio == null ? 0.0 : rangeRatio;
            prefixTokens = prefixTokens == null ? 0 : prefixTokens;
        }
        if (has("--ignore-eos")) {
            ignoreEos = Flags.parseBoolean("--ignore-eos", get("--ignore-eos"));
        }
        prompts = has("--prompts")
                ? Flags.parseInt("--prompts", get("--prompts"), 1,
                        RunSettings.MAX_PROMPTS)
                : defaultPrompts();
        if (has("--tokenizer") && !get("--tokenizer").strip().equals("bundled")) {
            tokenizer = parsePath("--tokenizer", get("--tokenizer"));
            if (!Files.exists(tokenizer)) {
                throw UsageException.invalid("--tokenizer", get("--tokenizer"),
                        "no such file or folder; give a tokenizer.json, a tokenizer.json.gz"
                                + " or a model folder holding one");
            }
        }
        if (has("--seed")) {
            seed = Flags.parseLong("--seed", get("--seed"));
        }
        if (has("--slo")) {
            try {
                slo = Slo.parse(get("--slo"));
            } catch (IllegalArgumentException e) {
                // Slo names the pair it rejects; keep only its rule after that.
                String reason = e.getMessage();
                int rule = reason.indexOf("': ");
                throw UsageException.invalid("--slo", get("--slo"),
                        rule < 0 ? reason : reason.substring(rule + 3));
            }
        }
    }

    /**
     * Returns how many distinct prompts a point may send: every request of the largest
     * point, so that no prompt repeats within a point, which matters to servers with a
     * prefix cache. File datasets use all their records (0).
     */
    private int defaultPrompts() {
        if (!dataset.equals("random")) {
            return 0;
        }
        long needed;
        if (number != null) {
            needed = Arrays.stream(number).max().orElse(1);
        } else if (rates != null) {
            double fastest = Arrays.stream(rates).max().orElse(1);
            needed = (long) Math.ceil(fastest * duration.toNanos() / 1e9);
        } else {
            needed = RunSettings.DURATION_PROMPTS;
        }
        return (int) Math.max(1, Math.min(RunSettings.MAX_DEFAULT_PROMPTS, needed + warmup));
    }

    void parseLimits() {
        connectTimeout = has("--connect-timeout")
                ? Flags.parseDuration("--connect-timeout", get("--connect-timeout"), false)
                : Duration.ofSeconds(10);
        readTimeout = has("--read-timeout")
                ? Flags.parseDuration("--read-timeout", get("--read-timeout"), true)
                : Duration.ofMinutes(10);
        requestTimeout = has("--request-timeout")
                ? Flags.parseDuration("--request-timeout", get("--request-timeout"), true)
                : Duration.ZERO;
        ioThreads = has("--io-threads")
                ? Flags.parseInt("--io-threads", get("--io-threads"), 1, MAX_IO_THREADS)
                : Math.max(1, Math.min(MAX_IO_THREADS, availableProcessors));
        if (has("--insecure")) {
            insecure = Flags.parseBoolean("--insecure", get("--insecure"));
        }
        if (insecure && url != null && !url.getScheme().equalsIgnoreCase("https")) {
            throw new UsageException("--insecure turns off TLS certificate verification, but"
                    + " --url " + url + " does not use TLS: drop --insecure");
        }
    }

    void parseHeaders(List<String> values) {
        headers = new LinkedHashMap<>();
        for (String value : values) {
            int colon = value.indexOf(':');
            if (colon <= 0) {
                throw UsageException.invalid("--header", redactedHeader(value),
                        "give a name and a value separated by a colon, such as"
                                + " 'X-Tenant: team-a'");
            }
            String name = value.substring(0, colon).strip();
            if (!HEADER_NAME.matcher(name).matches()) {
                throw UsageException.invalid("--header", redactedHeader(value), "the name '"
                        + name + "' is not a valid HTTP header name; use letters, digits and"
                        + " '-', such as X-Tenant");
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("authorization") || lower.equals("proxy-authorization")
                    || lower.equals("api-key") || lower.equals("x-api-key")) {
                throw new UsageException("invalid --header " + name + ": a key on the command"
                        + " line ends up in shell history; set TOKENMARK_API_KEY (or"
                        + " OPENAI_API_KEY), or give a file with --api-key-file");
            }
            if (headers.keySet().stream().anyMatch(n -> n.equalsIgnoreCase(name))) {
                throw new UsageException("invalid --header " + name
                        + ": given twice; give each header once");
            }
            headers.put(name, value.substring(colon + 1).strip());
        }
    }

    /** Shows a header without its value, which may be a secret. */
    private static String redactedHeader(String value) {
        int colon = value.indexOf(':');
        return colon < 0 ? value : value.substring(0, colon) + ": ***";
    }

    void parseDestination() {
        out = has("--out") ? parsePath("--out", get("--out")) : Path.of(RunSettings.DEFAULT_OUT);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw UsageException.invalid("--out", get("--out"),
                    "it is a file; give a folder for the results");
        }
        label = has("--label") ? get("--label").strip() : defaultLabel();
        try {
            OutputLayout.of(out, label);
        } catch (IllegalArgumentException e) {
            throw UsageException.invalid("--label", label,
                    "use 1 to 64 letters, digits, '.', '_' and '-', such as ep8 or tp4pp2");
        }
        if (label.length() > 64) {
            throw UsageException.invalid("--label", label,
                    "use 1 to 64 letters, digits, '.', '_' and '-', such as ep8 or tp4pp2");
        }
    }

    /** Returns the profile name for the simulator, else the model name as a folder name. */
    private String defaultLabel() {
        if (url == null) {
            return profile;
        }
        String safe = model.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.matches("\\.+")) {
            safe = "run";
        }
        return safe.length() > 64 ? safe.substring(safe.length() - 64) : safe;
    }

    private static Path parsePath(String flag, String value) {
        if (value.isBlank()) {
            throw UsageException.invalid(flag, value, "give a path");
        }
        try {
            return Path.of(value.strip()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw UsageException.invalid(flag, value, "not a valid path (" + e.getReason() + ")");
        }
    }
}
