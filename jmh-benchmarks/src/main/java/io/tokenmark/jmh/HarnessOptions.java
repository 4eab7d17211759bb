package io.tokenmark.jmh;

import io.tokenmark.core.client.ApiKey;
import io.tokenmark.core.client.ApiKind;
import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.core.metric.Slo;
import io.tokenmark.core.sampler.LoadPoint;
import io.tokenmark.core.tokenizer.HuggingFaceTokenizer;
import io.tokenmark.core.tokenizer.Tokenizer;
import io.tokenmark.core.workload.Workload;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Everything a TokenMark JMH benchmark needs besides JMH's own settings: the target, the
 * workload, the load, the SLOs and where results go. Immutable; build one with
 * {@link #builder()} in {@code options()} of a {@link SteadyStateBenchmark} or
 * {@link FixedCountBenchmark}, usually from the benchmark's {@code @Param} fields.
 * {@link Builder#build()} validates every value once and names the bad one.
 *
 * <table>
 *   <caption>Options and defaults</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code target}</td><td>required</td><td>a server URL and model, or an embedded
 *       simulator, see {@link Target}</td></tr>
 *   <tr><td>{@code api}</td><td>chat</td><td>{@code /chat/completions} or
 *       {@code /completions}</td></tr>
 *   <tr><td>{@code apiKey}</td><td>{@code TOKENMARK_API_KEY}, else {@code OPENAI_API_KEY}; none
 *       for a simulator</td><td>sent as {@code Authorization: Bearer}, never logged or
 *       written</td></tr>
 *   <tr><td>{@code workload}</td><td>required</td><td>a ready {@link Workload}, or a function
 *       that builds one from the tokenizer</td></tr>
 *   <tr><td>{@code tokenizer}</td><td>the bundled Qwen3 tokenizer</td><td>loaded only when the
 *       workload function or tokenizer counting needs it; closed after the trial</td></tr>
 *   <tr><td>{@code countTokensWithTokenizer}</td><td>true</td><td>keeps generated text and
 *       counts with the tokenizer what the server does not report: output tokens without usage,
 *       and the tokens of each event (the k of per-token ITL) without cumulative usage, as the
 *       command line does. An embedded simulator then also counts prompts the workload did not
 *       count with the tokenizer. False keeps no text and takes one token per event.</td></tr>
 *   <tr><td>{@code closedLoop(concurrency)}</td><td>one of the two loads is required</td>
 *       <td>N users, each sending its next request when its last one ends</td></tr>
 *   <tr><td>{@code openLoop(rate)}, {@code burstiness}, {@code maxConcurrency}</td><td>burstiness
 *       1 (Poisson), no maximum</td><td>requests per second on a precomputed gamma
 *       schedule</td></tr>
 *   <tr><td>{@code requestsPerIteration}</td><td>required by {@link FixedCountBenchmark},
 *       rejected by {@link SteadyStateBenchmark}</td><td>M, the requests of each
 *       iteration</td></tr>
 *   <tr><td>{@code slo}</td><td>none</td><td>per-request limits for goodput, see
 *       {@link Slo}</td></tr>
 *   <tr><td>{@code outputDirectory}</td><td>{@code target/tokenmark}</td><td>the folder of run
 *       folders</td></tr>
 *   <tr><td>{@code label}</td><td>the benchmark's class and method name</td><td>the run folder's
 *       name, such as {@code ep8}</td></tr>
 *   <tr><td>{@code seed}</td><td>42</td><td>seeds the open-loop arrival schedules</td></tr>
 *   <tr><td>{@code client}</td><td>no change</td><td>adjusts the client's options (timeouts,
 *       headers, connections) after the harness set the target, API and key</td></tr>
 * </table>
 */
public final class HarnessOptions {
    /** The default folder of run folders, relative to the working directory. */
    public static final Path DEFAULT_OUTPUT_DIRECTORY = Path.of("target", "tokenmark");

    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private final Target target;
    private final ApiKind api;
    private final ApiKey apiKey;
    private final Function<Tokenizer, Workload> workload;
    private final boolean workloadNeedsTokenizer;
    private final Supplier<Tokenizer> tokenizer;
    private final boolean countTokensWithTokenizer;
    private final LoadPoint.Mode loadMode;
    private final int concurrency;
    private final double ratePerSecond;
    private final double burstiness;
    private final int maxConcurrency;
    private final int requestsPerIteration;
    private final Slo slo;
    private final Path outputDirectory;
    private final String label;
    private final long seed;
    private final Consumer<ClientOptions.Builder> client;

    private HarnessOptions(Builder b) {
        this.target = b.target;
        this.api = b.api;
        this.apiKey = b.apiKey;
        this.workload = b.workload;
        this.workloadNeedsTokenizer = b.workloadNeedsTokenizer;
        this.tokenizer = b.tokenizer;
        this.countTokensWithTokenizer = b.countTokensWithTokenizer;
        this.loadMode = b.loadMode;
        this.concurrency = b.concurrency;
        this.ratePerSecond = b.ratePerSecond;
        this.burstiness = b.burstiness;
        this.maxConcurrency = b.maxConcurrency;
        this.requestsPerIteration = b.requestsPerIteration;
        this.slo = b.slo;
        this.outputDirectory = b.outputDirectory;
        this.label = b.label;
        this.seed = b.seed;
        this.client = b.client;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Target target() {
        return target;
    }

    public ApiKind api() {
        return api;
    }

    /** Returns the API key given in code, or {@code null} to read the environment. */
    ApiKey explicitApiKey() {
        return apiKey;
    }

    /** Returns whether the workload or token counting needs the tokenizer. */
    boolean needsTokenizer() {
        return workloadNeedsTokenizer || countTokensWithTokenizer;
    }

    /** Loads the tokenizer; the caller closes it. */
    Tokenizer loadTokenizer() {
        return Objects.requireNonNull(tokenizer.get(), "the tokenizer supplier returned null");
    }

    /** Builds the workload; {@code tokenizer} is {@code null} unless {@link #needsTokenizer()}. */
    Workload buildWorkload(Tokenizer tokenizer) {
        return Objects.requireNonNull(workload.apply(tokenizer), "the workload function returned null");
    }

    public boolean countTokensWithTokenizer() {
        return countTokensWithTokenizer;
    }

    /** Returns the load model: closed or open loop. */
    public LoadPoint.Mode loadMode() {
        return loadMode;
    }

    /** Returns the closed loop's users, or 0 for an open loop. */
    public int concurrency() {
        return concurrency;
    }

    /** Returns the open loop's requests per second, or {@code NaN} for a closed loop. */
    public double ratePerSecond() {
        return ratePerSecond;
    }

    public double burstiness() {
        return burstiness;
    }

    /** Returns the open loop's cap on requests in flight, or 0 for none. */
    public int maxConcurrency() {
        return maxConcurrency;
    }

    /** Returns M, the requests of each fixed-count iteration, or 0 when not set. */
    public int requestsPerIteration() {
        return requestsPerIteration;
    }

    public Slo slo() {
        return slo;
    }

    public Path outputDirectory() {
        return outputDirectory;
    }

    /** Returns the run label, or {@code null} to derive it from the benchmark's name. */
    public String label() {
        return label;
    }

    public long seed() {
        return seed;
    }

    /** Applies the client adjustments to {@code builder}. */
    void adjustClient(ClientOptions.Builder builder) {
        client.accept(builder);
    }

    /**
     * Returns a load point builder with this load and no stop condition; the harness adds a
     * request count or a duration.
     */
    LoadPoint.Builder loadPoint() {
        if (loadMode == LoadPoint.Mode.CLOSED_LOOP) {
            return LoadPoint.closedLoop(concurrency);
        }
        return LoadPoint.openLoop(ratePerSecond).burstiness(burstiness).maxConcurrency(maxConcurrency);
    }

    @Override
    public String toString() {
        String load = loadMode == LoadPoint.Mode.CLOSED_LOOP
                ? "closed loop of " + concurrency
                : "open loop at " + ratePerSecond + " req/s";
        return "HarnessOptions[" + target + ", api=" + api + ", " + load
                + (requestsPerIteration > 0 ? ", " + requestsPerIteration + " requests per iteration" : "")
                + ", slo=" + slo + ", out=" + outputDirectory
                + (label == null ? "" : ", label=" + label) + "]";
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private Target target;
        private ApiKind api = ApiKind.CHAT;
        private ApiKey apiKey;
        private Function<Tokenizer, Workload> workload;
        private boolean workloadNeedsTokenizer;
        private Supplier<Tokenizer> tokenizer = HuggingFaceTokenizer::qwen3;
        private boolean countTokensWithTokenizer = true;
        private LoadPoint.Mode loadMode;
        private int concurrency;
        private double ratePerSecond = Double.NaN;
        private double burstiness = 1;
        private int maxConcurrency;
        private int requestsPerIteration;
        private Slo slo = Slo.none();
        private Path outputDirectory = DEFAULT_OUTPUT_DIRECTORY;
        private String label;
        private long seed = 42;
        private Consumer<ClientOptions.Builder> client = builder -> { };

        private Builder() {
        }

        public Builder target(Target value) {
            target = value;
            return this;
        }

        public Builder api(ApiKind value) {
            api = value;
            return this;
        }

        /** Sets the API key; by default it comes from the environment. */
        public Builder apiKey(ApiKey value) {
            apiKey = value;
            return this;
        }

        /** Sets a workload built in advance; no tokenizer is loaded for it. */
        public Builder workload(Workload value) {
            Objects.requireNonNull(value, "workload");
            workload = tokenizer -> value;
            workloadNeedsTokenizer = false;
            return this;
        }

        /**
         * Sets a function that builds the workload from the target model's tokenizer, such as
         * {@code t -> RandomPromptWorkload.builder(t).inputTokens(1024).build()}; it runs once per
         * trial, in the benchmark's JVM.
         */
        public Builder workload(Function<Tokenizer, Workload> value) {
            workload = Objects.requireNonNull(value, "workload");
            workloadNeedsTokenizer = true;
            return this;
        }

        /** Sets how the tokenizer is loaded, such as {@code () -> HuggingFaceTokenizer.load(path)}. */
        public Builder tokenizer(Supplier<Tokenizer> value) {
            tokenizer = Objects.requireNonNull(value, "tokenizer");
            return this;
        }

        /**
         * Sets whether the tokenizer counts what the server does not report (default true).
         * False keeps no response text, so ITL then takes one token per event.
         */
        public Builder countTokensWithTokenizer(boolean value) {
            countTokensWithTokenizer = value;
            return this;
        }

        /** Sets a closed loop of {@code users} concurrent requests. */
        public Builder closedLoop(int users) {
            loadMode = LoadPoint.Mode.CLOSED_LOOP;
            concurrency = users;
            ratePerSecond = Double.NaN;
            return this;
        }

        /**
         * Sets an open loop at {@code requestsPerSecond}; {@code Double.POSITIVE_INFINITY} sends
         * each fixed-count iteration's requests at once (a steady state needs a finite rate).
         */
        public Builder openLoop(double requestsPerSecond) {
            loadMode = LoadPoint.Mode.OPEN_LOOP;
            ratePerSecond = requestsPerSecond;
            concurrency = 0;
            return this;
        }

        /** Sets the gamma shape of open-loop arrival gaps: 1 is Poisson. */
        public Builder burstiness(double value) {
            burstiness = value;
            return this;
        }

        /** Caps open-loop requests in flight; 0 removes the cap. */
        public Builder maxConcurrency(int value) {
            maxConcurrency = value;
            return this;
        }

        public Builder requestsPerIteration(int value) {
            requestsPerIteration = value;
            return this;
        }

        public Builder slo(Slo value) {
            slo = Objects.requireNonNull(value, "slo");
            return this;
        }

        public Builder outputDirectory(Path value) {
            outputDirectory = Objects.requireNonNull(value, "outputDirectory");
            return this;
        }

        /** Sets the run label; {@code null} derives it from the benchmark's name. */
        public Builder label(String value) {
            label = value;
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /** Sets adjustments to the client's options, applied after the target, API and key. */
        public Builder client(Consumer<ClientOptions.Builder> value) {
            client = Objects.requireNonNull(value, "client");
            return this;
        }

        /**
         * Validates the values and returns the options.
         *
         * @throws IllegalArgumentException naming the first missing or invalid value and what is
         *     allowed
         */
        public HarnessOptions build() {
            if (target == null) {
                throw new IllegalArgumentException("no target: set a server with "
                        + "Target.server(url, model) or a simulator with Target.simulator(profile)");
            }
            Objects.requireNonNull(api, "api");
            if (workload == null) {
                throw new IllegalArgumentException("no workload: set one, for example "
                        + "new FixedPromptWorkload(prompt, maxTokens) or a RandomPromptWorkload");
            }
            if (loadMode == null) {
                throw new IllegalArgumentException(
                        "no load: set closedLoop(concurrency) or openLoop(requestsPerSecond)");
            }
            if (loadMode == LoadPoint.Mode.CLOSED_LOOP
                    && (concurrency < 1 || concurrency > LoadPoint.MAX_USERS)) {
                throw new IllegalArgumentException("invalid concurrency " + concurrency
                        + ": must be from 1 to " + LoadPoint.MAX_USERS + " concurrent requests");
            }
            if (loadMode == LoadPoint.Mode.OPEN_LOOP) {
                validateOpenLoop();
            } else if (burstiness != 1 || maxConcurrency != 0) {
                throw new IllegalArgumentException("burstiness and maxConcurrency apply to an open"
                        + " loop only: remove them, or use openLoop(requestsPerSecond)");
            }
            if (requestsPerIteration < 0 || requestsPerIteration > LoadPoint.MAX_REQUESTS) {
                throw new IllegalArgumentException("invalid requests per iteration "
                        + requestsPerIteration + ": must be from 1 to " + LoadPoint.MAX_REQUESTS
                        + ", or 0 for a steady-state benchmark");
            }
            if (label != null && !LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException("invalid run label '" + label
                        + "': use 1 to 128 letters, digits, '.', '_' or '-', such as ep8");
            }
            return new HarnessOptions(this);
        }

        private void validateOpenLoop() {
            if (!(ratePerSecond > 0)) {
                throw new IllegalArgumentException("invalid request rate " + ratePerSecond
                        + " req/s: must be above 0, or infinity to send a fixed count at once");
            }
            if (!(burstiness > 0)) {
                throw new IllegalArgumentException("invalid burstiness " + burstiness
                        + ": must be above 0 (1 is Poisson, infinity gives constant gaps)");
            }
            if (maxConcurrency < 0 || maxConcurrency > LoadPoint.MAX_USERS) {
                throw new IllegalArgumentException("invalid max concurrency " + maxConcurrency
                        + ": must be from 1 to " + LoadPoint.MAX_USERS + ", or 0 for no limit");
            }
        }
    }
}
