package io.tokenmark.simulator.engine;

import java.util.Locale;
import java.util.Objects;

/**
 * Parameters of a continuous-batching engine: its scheduler limits and its step-time function.
 *
 * <p>Step time, before time scaling and jitter, is
 * <pre>
 *   stepBase
 *   + perActiveExpert · activeExperts(tokens in the step)
 *   + perDecodeSequence · (sequences decoding in the step)
 *   + perContextToken · (sum of the context lengths of those sequences)
 *   + (prefillBase + perPrefillToken · (prompt tokens prefilled in the step), if any)
 * </pre>
 * The base and expert terms stand for reading the weights once per step (for a
 * mixture-of-experts model, only the experts that the step's tokens are routed to, see
 * {@link #activeExperts}); the decode terms for each sequence's work and its KV-cache reads; the
 * prefill terms for the compute of new prompt tokens. Jitter multiplies the step time by a seeded
 * uniform factor in {@code [1 − jitter, 1 + jitter]}.
 *
 * <table>
 *   <caption>Parameters</caption>
 *   <tr><th>parameter</th><th>unit</th><th>vLLM counterpart</th></tr>
 *   <tr><td>{@code maxRunningSequences}</td><td>sequences</td><td>{@code --max-num-seqs}</td></tr>
 *   <tr><td>{@code maxBatchedTokens}</td><td>tokens per step</td>
 *       <td>{@code --max-num-batched-tokens} (chunked prefill budget)</td></tr>
 *   <tr><td>{@code kvCacheTokens}</td><td>tokens</td><td>"GPU KV cache size" in the start-up
 *       log</td></tr>
 *   <tr><td>{@code maxModelTokens}</td><td>tokens</td><td>{@code --max-model-len}</td></tr>
 *   <tr><td>{@code admissionDelayNanos}</td><td>ns</td><td>API server work before the
 *       scheduler receives a request (template, tokenization)</td></tr>
 *   <tr><td>{@code experts}, {@code expertsPerToken}</td><td>count</td><td>the model's
 *       {@code num_experts} and {@code num_experts_per_tok}; 0 for a dense model</td></tr>
 *   <tr><td>{@code stepBaseNanos}, {@code perActiveExpertNanos}, {@code perDecodeSequenceNanos},
 *       {@code perContextTokenNanos}, {@code prefillBaseNanos},
 *       {@code perPrefillTokenNanos}</td><td>ns</td><td>fitted to measurements</td></tr>
 *   <tr><td>{@code jitter}</td><td>fraction</td><td>none; 0 makes runs exactly
 *       repeatable</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe. Build one with {@link #builder(String)}.
 */
public final class BatchingProfile implements EngineProfile {
    private final String name;
    private final String description;
    private final int maxRunningSequences;
    private final int maxBatchedTokens;
    private final long kvCacheTokens;
    private final int maxModelTokens;
    private final double admissionDelayNanos;
    private final double stepBaseNanos;
    private final double perDecodeSequenceNanos;
    private final double perContextTokenNanos;
    private final double prefillBaseNanos;
    private final double perPrefillTokenNanos;
    private final int experts;
    private final int expertsPerToken;
    private final double perActiveExpertNanos;
    private final double jitter;

    private BatchingProfile(Builder b) {
        this.name = b.name;
        this.description = b.description;
        this.maxRunningSequences = b.maxRunningSequences;
        this.maxBatchedTokens = b.maxBatchedTokens;
        this.kvCacheTokens = b.kvCacheTokens;
        this.maxModelTokens = b.maxModelTokens;
        this.admissionDelayNanos = b.admissionDelayNanos;
        this.stepBaseNanos = b.stepBaseNanos;
        this.perDecodeSequenceNanos = b.perDecodeSequenceNanos;
        this.perContextTokenNanos = b.perContextTokenNanos;
        this.prefillBaseNanos = b.prefillBaseNanos;
        this.perPrefillTokenNanos = b.perPrefillTokenNanos;
        this.experts = b.experts;
        this.expertsPerToken = b.expertsPerToken;
        this.perActiveExpertNanos = b.perActiveExpertNanos;
        this.jitter = b.jitter;
    }

    /** Starts a builder for a profile with the given name; every parameter must be set. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Returns a builder holding this profile's values, to derive a variant. */
    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.description = description;
        b.maxRunningSequences = maxRunningSequences;
        b.maxBatchedTokens = maxBatchedTokens;
        b.kvCacheTokens = kvCacheTokens;
        b.maxModelTokens = maxModelTokens;
        b.admissionDelayNanos = admissionDelayNanos;
        b.stepBaseNanos = stepBaseNanos;
        b.perDecodeSequenceNanos = perDecodeSequenceNanos;
        b.perContextTokenNanos = perContextTokenNanos;
        b.prefillBaseNanos = prefillBaseNanos;
        b.perPrefillTokenNanos = perPrefillTokenNanos;
        b.experts = experts;
        b.expertsPerToken = expertsPerToken;
        b.perActiveExpertNanos = perActiveExpertNanos;
        b.jitter = jitter;
        return b;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public int maxModelTokens() {
        return maxModelTokens;
    }

    @Override
    public EngineModel newEngine(double timeScale, int tokensPerStep, long seed) {
        EngineProfile.checkEngineArguments(timeScale, tokensPerStep);
        return new BatchingEngine(this, timeScale, tokensPerStep, seed);
    }

    public int maxRunningSequences() {
        return maxRunningSequences;
    }

    public int maxBatchedTokens() {
        return maxBatchedTokens;
    }

    public long kvCacheTokens() {
        return kvCacheTokens;
    }

    public double admissionDelayNanos() {
        return admissionDelayNanos;
    }

    public double stepBaseNanos() {
        return stepBaseNanos;
    }

    public double perDecodeSequenceNanos() {
        return perDecodeSequenceNanos;
    }

    public double perContextTokenNanos() {
        return perContextTokenNanos;
    }

    public double prefillBaseNanos() {
        return prefillBaseNanos;
    }

    public double perPrefillTokenNanos() {
        return perPrefillTokenNanos;
    }

    /** Routed experts per MoE layer; 0 for a dense model. */
    public int experts() {
        return experts;
    }

    /** Experts each token is routed to. */
    public int expertsPerToken() {
        return expertsPerToken;
    }

    public double perActiveExpertNanos() {
        return perActiveExpertNanos;
    }

    public double jitter() {
        return jitter;
    }

    /**
     * Returns the expected number of distinct experts that {@code tokens} tokens activate when
     * each is routed to {@code expertsPerToken} of {@code experts} uniformly at random:
     * {@code experts · (1 − (1 − expertsPerToken / experts)^tokens)}.
     */
    public double activeExperts(int tokens) {
        if (experts == 0 || tokens == 0) {
            return 0;
        }
        return experts * (1 - Math.pow(1 - (double) expertsPerToken / experts, tokens));
    }

    /**
     * Returns the step time in nanoseconds, before time scaling and jitter.
     *
     * @param decodeSequences sequences that emit a token in this step
     * @param contextTokens the sum of those sequences' context lengths (prompt plus generated)
     * @param prefillTokens prompt tokens processed in this step
     */
    public double stepNanos(int decodeSequences, long contextTokens, int prefillTokens) {
        double nanos = stepBaseNanos
                + perActiveExpertNanos * activeExperts(decodeSequences + prefillTokens)
                + perDecodeSequenceNanos * decodeSequences
                + perContextTokenNanos * contextTokens;
        if (prefillTokens > 0) {
            nanos += prefillBaseNanos + perPrefillTokenNanos * prefillTokens;
        }
        return nanos;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "BatchingProfile[%s: maxRunningSequences=%d, maxBatchedTokens=%d,"
                        + " kvCacheTokens=%d, maxModelTokens=%d, admissionDelay=%.3f ms,"
                        + " stepBase=%.3f ms, perDecodeSequence=%.4f ms, perContextToken=%.3f ns,"
                        + " prefillBase=%.3f ms, perPrefillToken=%.4f ms, experts=%d/%d,"
                        + " perActiveExpert=%.5f ms, jitter=%.3f]",
                name, maxRunningSequences, maxBatchedTokens, kvCacheTokens, maxModelTokens,
                admissionDelayNanos / 1e6, stepBaseNanos / 1e6, perDecodeSequenceNanos / 1e6,
                perContextTokenNanos, prefillBaseNanos / 1e6, perPrefillTokenNanos / 1e6,
                expertsPerToken, experts, perActiveExpertNanos / 1e6, jitter);
    }

    /**
     * Mutable builder; not thread-safe. Durations are in nanoseconds. As in vLLM,
     * {@code maxBatchedTokens} must be at least {@code maxRunningSequences}, so every decoding
     * sequence fits in each step.
     */
    public static final class Builder {
        private final String name;
        private String description = "";
        private int maxRunningSequences = 256;
        private int maxBatchedTokens = 2048;
        private long kvCacheTokens = 1_000_000;
        private int maxModelTokens = 32_768;
        private double admissionDelayNanos;
        private double stepBaseNanos;
        private double perDecodeSequenceNanos;
        private double perContextTokenNanos;
        private double prefillBaseNanos;
        private double perPrefillTokenNanos;
        private int experts;
        private int expertsPerToken;
        private double perActiveExpertNanos;
        private double jitter;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        public Builder description(String description) {
            this.description = Objects.requireNonNull(description, "description");
            return this;
        }

        public Builder maxRunningSequences(int value) {
            maxRunningSequences = value;
            return this;
        }

        public Builder maxBatchedTokens(int value) {
            maxBatchedTokens = value;
            return this;
        }

        public Builder kvCacheTokens(long value) {
            kvCacheTokens = value;
            return this;
        }

        public Builder maxModelTokens(int value) {
            maxModelTokens = value;
            return this;
        }

        public Builder admissionDelayNanos(double value) {
            admissionDelayNanos = value;
            return this;
        }

        public Builder stepBaseNanos(double value) {
            stepBaseNanos = value;
            return this;
        }

        public Builder perDecodeSequenceNanos(double value) {
            perDecodeSequenceNanos = value;
            return this;
        }

        public Builder perContextTokenNanos(double value) {
            perContextTokenNanos = value;
            return this;
        }

        public Builder prefillBaseNanos(double value) {
            prefillBaseNanos = value;
            return this;
        }

        public Builder perPrefillTokenNanos(double value) {
            perPrefillTokenNanos = value;
            return this;
        }

        /**
         * Sets the mixture-of-experts routing: {@code experts} routed experts per layer, each
         * token routed to {@code expertsPerToken} of them. Both 0 for a dense model.
         */
        public Builder experts(int experts, int expertsPerToken) {
            this.experts = experts;
            this.expertsPerToken = expertsPerToken;
            return this;
        }

        /** Time to read one active expert's weights in every layer, in nanoseconds. */
        public Builder perActiveExpertNanos(double value) {
            perActiveExpertNanos = value;
            return this;
        }

        /** Relative step-time jitter in {@code [0, 1)}; 0 turns it off. */
        public Builder jitter(double value) {
            jitter = value;
            return this;
        }

        /**
         * Validates the values and returns the profile.
         *
         * @throws IllegalArgumentException naming the first invalid value and its valid range
         */
        public BatchingProfile build() {
            if (name.isBlank()) {
                throw new IllegalArgumentException("profile name is empty: give it a name");
            }
            requireAtLeast("maxRunningSequences", maxRunningSequences, 1);
            requireAtLeast("maxBatchedTokens", maxBatchedTokens, maxRunningSequences);
            requireAtLeast("maxModelTokens", maxModelTokens, 2);
            requireAtLeast("kvCacheTokens", kvCacheTokens, maxModelTokens);
            requireNonNegative("admissionDelayNanos", admissionDelayNanos);
            requireNonNegative("stepBaseNanos", stepBaseNanos);
            requireNonNegative("perDecodeSequenceNanos", perDecodeSequenceNanos);
            requireNonNegative("perContextTokenNanos", perContextTokenNanos);
            requireNonNegative("prefillBaseNanos", prefillBaseNanos);
            requireNonNegative("perPrefillTokenNanos", perPrefillTokenNanos);
            requireNonNegative("perActiveExpertNanos", perActiveExpertNanos);
            if (experts < 0 || expertsPerToken < 0 || expertsPerToken > experts
                    || (experts > 0) != (expertsPerToken > 0)) {
                throw new IllegalArgumentException("invalid expert routing " + expertsPerToken
                        + " of " + experts + " in profile '" + name + "': use 0 of 0 for a dense"
                        + " model, else 1 to experts per token");
            }
            if (stepBaseNanos + perDecodeSequenceNanos + perContextTokenNanos <= 0
                    || prefillBaseNanos + perPrefillTokenNanos + stepBaseNanos <= 0) {
                throw new IllegalArgumentException("profile '" + name + "' has zero step time:"
                        + " set stepBaseNanos or the per-sequence and per-token costs above 0");
            }
            if (!(jitter >= 0 && jitter < 1)) {
                throw new IllegalArgumentException("invalid jitter " + jitter + " in profile '"
                        + name + "': must be in [0, 1), 0 turns it off");
            }
            return new BatchingProfile(this);
        }

        private void requireAtLeast(String parameter, long value, long min) {
            if (value < min) {
                throw new IllegalArgumentException("invalid " + parameter + " " + value
                        + " in profile '" + name + "': must be at least " + min);
            }
        }

        private void requireNonNegative(String parameter, double value) {
            if (!(value >= 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("invalid " + parameter + " " + value
                        + " in profile '" + name + "': must be a finite number of at least 0");
            }
        }
    }
}
