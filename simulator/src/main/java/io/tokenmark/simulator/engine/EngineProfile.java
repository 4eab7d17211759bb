package io.tokenmark.simulator.engine;

/**
 * A named set of engine parameters that can build an {@link EngineModel}.
 *
 * <p>{@link BatchingProfile} models a continuous-batching engine such as vLLM;
 * {@link FixedTimingProfile} gives every request the same time to first token and time between
 * tokens, independent of load. The catalogue of named profiles is
 * {@code io.tokenmark.simulator.profile.Profiles}.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface EngineProfile {
    /** The profile's name, as given to {@code --profile}. */
    String name();

    /** A one-line description for logs and {@code --help}. */
    String description();

    /**
     * The context length in tokens: the largest prompt plus output a request may ask for, as
     * vLLM's {@code --max-model-len}. Longer requests are rejected with HTTP 400.
     */
    int maxModelTokens();

    /**
     * Builds a new engine with this profile's parameters.
     *
     * @param timeScale multiplies every simulated duration; 1 is real speed, 0.01 runs 100 times
     *     faster; must be positive and finite
     * @param tokensPerStep tokens each decoding sequence emits per step, at least 1 (more than 1
     *     models speculative decoding with that many tokens accepted per step)
     * @param seed seeds the step-time jitter, if the profile has any
     * @throws IllegalArgumentException if {@code timeScale} or {@code tokensPerStep} is out of
     *     range
     */
    EngineModel newEngine(double timeScale, int tokensPerStep, long seed);

    /**
     * Checks the arguments of {@link #newEngine}.
     *
     * @throws IllegalArgumentException naming the invalid value and its valid range
     */
    static void checkEngineArguments(double timeScale, int tokensPerStep) {
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            throw new IllegalArgumentException("invalid time scale " + timeScale
                    + ": must be a positive finite number, for example 1 or 0.05");
        }
        if (tokensPerStep < 1) {
            throw new IllegalArgumentException(
                    "invalid tokens per step " + tokensPerStep + ": must be at least 1");
        }
    }
}
