package io.tokenmark.simulator;

import io.tokenmark.simulator.engine.EngineProfile;
import io.tokenmark.simulator.fault.FaultPlan;
import io.tokenmark.simulator.openai.PromptTokenCounter;
import io.tokenmark.simulator.profile.Profiles;
import io.tokenmark.simulator.truth.GroundTruth;
import java.util.Objects;

/**
 * Immutable settings of a {@link Simulator}. Build one with {@link #builder()};
 * {@link Builder#build()} validates every value once and names the invalid one.
 *
 * <table>
 *   <caption>Options and defaults</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code host}</td><td>{@code 127.0.0.1}</td><td>address to bind</td></tr>
 *   <tr><td>{@code port}</td><td>0</td><td>TCP port; 0 picks a free one</td></tr>
 *   <tr><td>{@code profile}</td><td>{@code fixed}: 50 ms TTFT, 10 ms between tokens</td>
 *       <td>the engine model, see {@link Profiles}</td></tr>
 *   <tr><td>{@code timeScale}</td><td>1</td><td>multiplies every simulated duration; 0.01 runs
 *       100 times faster</td></tr>
 *   <tr><td>{@code modelName}</td><td>{@code tokenmark-simulator}</td><td>the only model
 *       served; requests naming another get 404</td></tr>
 *   <tr><td>{@code seed}</td><td>0</td><td>seeds text, answer lengths, jitter and fault
 *       choices</td></tr>
 *   <tr><td>{@code answerTokens}</td><td>256</td><td>natural answer length in tokens: where the
 *       simulated model emits end-of-sequence</td></tr>
 *   <tr><td>{@code answerSpread}</td><td>0</td><td>natural lengths vary uniformly by this
 *       fraction around {@code answerTokens}, in [0, 1)</td></tr>
 *   <tr><td>{@code reasoningShare}</td><td>0</td><td>share of each chat answer's tokens streamed
 *       first as {@code reasoning_content}, in [0, 1]</td></tr>
 *   <tr><td>{@code tokensPerChunk}</td><td>1</td><td>tokens per token event after the first, as
 *       speculative decoding produces</td></tr>
 *   <tr><td>{@code faultPlan}</td><td>none</td><td>faults injected into a share of
 *       requests</td></tr>
 *   <tr><td>{@code oversizeEventBytes}</td><td>17 MiB</td><td>size of an
 *       {@code oversize_after} event without {@code ;bytes=}, just over a client's usual 16 MiB
 *       limit</td></tr>
 *   <tr><td>{@code groundTruthCapacity}</td><td>4,096</td><td>requests whose timing truth is
 *       kept</td></tr>
 *   <tr><td>{@code maxRequestBytes}</td><td>16 MiB</td><td>larger request bodies get 413</td></tr>
 *   <tr><td>{@code requiredApiKey}</td><td>none</td><td>when set, requests must send
 *       {@code Authorization: Bearer <key>} or get 401</td></tr>
 *   <tr><td>{@code promptTokenCounter}</td><td>{@link PromptTokenCounter#approximate()}</td>
 *       <td>counts prompt tokens for {@code usage.prompt_tokens} and the prefill; the JMH
 *       harness and the command lines set an exact counter</td></tr>
 *   <tr><td>{@code nativeTransport}</td><td>true</td><td>uses Linux epoll when available, whose
 *       timers are precise to microseconds; false forces Java NIO</td></tr>
 * </table>
 *
 * <p>{@link #toString()} never shows the API key.
 */
public final class SimulatorOptions {
    /** Default model name. */
    public static final String DEFAULT_MODEL = "tokenmark-simulator";
    /** Default {@link #oversizeEventBytes()}: 17 MiB. */
    public static final int DEFAULT_OVERSIZE_EVENT_BYTES = 17 * 1024 * 1024;
    /** Default {@link #maxRequestBytes()}: 16 MiB. */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024;

    private final String host;
    private final int port;
    private final EngineProfile profile;
    private final double timeScale;
    private final String modelName;
    private final long seed;
    private final int answerTokens;
    private final double answerSpread;
    private final double reasoningShare;
    private final int tokensPerChunk;
    private final FaultPlan faultPlan;
    private final int oversizeEventBytes;
    private final int groundTruthCapacity;
    private final int maxRequestBytes;
    private final String requiredApiKey;
    private final PromptTokenCounter promptTokenCounter;
    private final boolean nativeTransport;

    private SimulatorOptions(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.profile = b.profile;
        this.timeScale = b.timeScale;
        this.modelName = b.modelName;
        this.seed = b.seed;
        this.answerTokens = b.answerTokens;
        this.answerSpread = b.answerSpread;
        this.reasoningShare = b.reasoningShare;
        this.tokensPerChunk = b.tokensPerChunk;
        this.faultPlan = b.faultPlan;
        this.oversizeEventBytes = b.oversizeEventBytes;
        this.groundTruthCapacity = b.groundTruthCapacity;
        this.maxRequestBytes = b.maxRequestBytes;
        this.requiredApiKey = b.requiredApiKey;
        this.promptTokenCounter = b.promptTokenCounter;
        this.nativeTransport = b.nativeTransport;
    }

    /** Returns a builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the defaults: the fixed profile on a free port of 127.0.0.1. */
    public static SimulatorOptions defaults() {
        return builder().build();
    }

    /** Returns a builder holding these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.profile = profile;
        b.timeScale = timeScale;
        b.modelName = modelName;
        b.seed = seed;
        b.answerTokens = answerTokens;
        b.answerSpread = answerSpread;
        b.reasoningShare = reasoningShare;
        b.tokensPerChunk = tokensPerChunk;
        b.faultPlan = faultPlan;
        b.oversizeEventBytes = oversizeEventBytes;
        b.groundTruthCapacity = groundTruthCapacity;
        b.maxRequestBytes = maxRequestBytes;
        b.requiredApiKey = requiredApiKey;
        b.promptTokenCounter = promptTokenCounter;
        b.nativeTransport = nativeTransport;
        return b;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public EngineProfile profile() {
        return profile;
    }

    public double timeScale() {
        return timeScale;
    }

    public String modelName() {
        return modelName;
    }

    public long seed() {
        return seed;
    }

    public int answerTokens() {
        return answerTokens;
    }

    public double answerSpread() {
        return answerSpread;
    }

    public double reasoningShare() {
        return reasoningShare;
    }

    public int tokensPerChunk() {
        return tokensPerChunk;
    }

    public FaultPlan faultPlan() {
        return faultPlan;
    }

    public int oversizeEventBytes() {
        return oversizeEventBytes;
    }

    public int groundTruthCapacity() {
        return groundTruthCapacity;
    }

    public int maxRequestBytes() {
        return maxRequestBytes;
    }

    /** The API key requests must send, or {@code null} when none is required. */
    public String requiredApiKey() {
        return requiredApiKey;
    }

    public PromptTokenCounter promptTokenCounter() {
        return promptTokenCounter;
    }

    public boolean nativeTransport() {
        return nativeTransport;
    }

    @Override
    public String toString() {
        return "SimulatorOptions[host=" + host + ", port=" + port + ", profile=" + profile.name()
                + ", timeScale=" + timeScale + ", modelName=" + modelName + ", seed=" + seed
                + ", answerTokens=" + answerTokens + ", answerSpread=" + answerSpread
                + ", reasoningShare=" + reasoningShare + ", tokensPerChunk=" + tokensPerChunk
                + ", faultPlan=" + faultPlan + ", oversizeEventBytes=" + oversizeEventBytes
                + ", groundTruthCapacity=" + groundTruthCapacity
                + ", maxRequestBytes=" + maxRequestBytes
                + ", requiredApiKey=" + (requiredApiKey == null ? "none" : "redacted")
                + ", promptTokenCounter=" + promptTokenCounter
                + ", nativeTransport=" + nativeTransport + "]";
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private EngineProfile profile = Profiles.byName(Profiles.FIXED);
        private double timeScale = 1;
        private String modelName = DEFAULT_MODEL;
        private long seed;
        private int answerTokens = 256;
        private double answerSpread;
        private double reasoningShare;
        private int tokensPerChunk = 1;
        private FaultPlan faultPlan = FaultPlan.NONE;
        private int oversizeEventBytes = DEFAULT_OVERSIZE_EVENT_BYTES;
        private int groundTruthCapacity = GroundTruth.DEFAULT_CAPACITY;
        private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
        private String requiredApiKey;
        private PromptTokenCounter promptTokenCounter = PromptTokenCounter.approximate();
        private boolean nativeTransport = true;

        private Builder() {
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder profile(EngineProfile profile) {
            this.profile = profile;
            return this;
        }

        public Builder timeScale(double timeScale) {
            this.timeScale = timeScale;
            return this;
        }

        public Builder modelName(String modelName) {
            this.modelName = modelName;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder answerTokens(int answerTokens) {
            this.answerTokens = answerTokens;
            return this;
        }

        public Builder answerSpread(double answerSpread) {
            this.answerSpread = answerSpread;
            return this;
        }

        public Builder reasoningShare(double reasoningShare) {
            this.reasoningShare = reasoningShare;
            return this;
        }

        public Builder tokensPerChunk(int tokensPerChunk) {
            this.tokensPerChunk = tokensPerChunk;
            return this;
        }

        public Builder faultPlan(FaultPlan faultPlan) {
            this.faultPlan = faultPlan;
            return this;
        }

        public Builder oversizeEventBytes(int oversizeEventBytes) {
            this.oversizeEventBytes = oversizeEventBytes;
            return this;
        }

        public Builder groundTruthCapacity(int groundTruthCapacity) {
            this.groundTruthCapacity = groundTruthCapacity;
            return this;
        }

        public Builder maxRequestBytes(int maxRequestBytes) {
            this.maxRequestBytes = maxRequestBytes;
            return this;
        }

        /** Requires {@code Authorization: Bearer <key>}; {@code null} requires nothing. */
        public Builder requiredApiKey(String requiredApiKey) {
            this.requiredApiKey = requiredApiKey;
            return this;
        }

        public Builder promptTokenCounter(PromptTokenCounter promptTokenCounter) {
            this.promptTokenCounter = promptTokenCounter;
            return this;
        }

        public Builder nativeTransport(boolean nativeTransport) {
            this.nativeTransport = nativeTransport;
            return this;
        }

        /**
         * Validates the values and returns the options.
         *
         * @throws IllegalArgumentException naming the first invalid value and its valid range
         */
        public SimulatorOptions build() {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException(
                        "host is empty: give an address to bind, for example 127.0.0.1");
            }
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException(
                        "invalid port " + port + ": must be from 0 (any free port) to 65535");
            }
            Objects.requireNonNull(profile, "profile");
            if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
                throw new IllegalArgumentException("invalid time scale " + timeScale
                        + ": must be a positive finite number, for example 1 or 0.05");
            }
            if (modelName == null || modelName.isBlank()) {
                throw new IllegalArgumentException(
                        "model name is empty: give the name clients send in 'model'");
            }
            if (answerTokens < 1) {
                throw new IllegalArgumentException(
                        "invalid answer length " + answerTokens + " tokens: must be at least 1");
            }
            if (!(answerSpread >= 0 && answerSpread < 1)) {
                throw new IllegalArgumentException("invalid answer spread " + answerSpread
                        + ": must be in [0, 1), 0 gives every answer the same length");
            }
            if (!(reasoningShare >= 0 && reasoningShare <= 1)) {
                throw new IllegalArgumentException("invalid reasoning share " + reasoningShare
                        + ": must be in [0, 1], 0 turns reasoning off");
            }
            if (tokensPerChunk < 1) {
                throw new IllegalArgumentException(
                        "invalid tokens per chunk " + tokensPerChunk + ": must be at least 1");
            }
            Objects.requireNonNull(faultPlan, "faultPlan");
            if (oversizeEventBytes < 1024) {
                throw new IllegalArgumentException("invalid oversize event size "
                        + oversizeEventBytes + " bytes: must be at least 1024");
            }
            if (groundTruthCapacity < 0) {
                throw new IllegalArgumentException("invalid ground-truth capacity "
                        + groundTruthCapacity + ": must be at least 0 (0 keeps nothing)");
            }
            if (maxRequestBytes < 1024) {
                throw new IllegalArgumentException("invalid maximum request size "
                        + maxRequestBytes + " bytes: must be at least 1024");
            }
            if (requiredApiKey != null && requiredApiKey.isBlank()) {
                throw new IllegalArgumentException(
                        "required API key is blank: set a key or leave it unset");
            }
            Objects.requireNonNull(promptTokenCounter, "promptTokenCounter");
            return new SimulatorOptions(this);
        }
    }
}
