package io.tokenmark.simulator.profile;

import io.tokenmark.simulator.engine.BatchingProfile;
import io.tokenmark.simulator.engine.EngineProfile;
import io.tokenmark.simulator.engine.FixedTimingProfile;
import java.time.Duration;
import java.util.List;

/**
 * The named engine profiles of the simulator.
 *
 * <table>
 *   <caption>Profiles</caption>
 *   <tr><th>name</th><th>engine</th><th>use</th></tr>
 *   <tr><td>{@code fixed}</td><td>{@link FixedTimingProfile}: first token after 50 ms, then a
 *       token every 10 ms, unless configured otherwise</td><td>checking a client's timing
 *       against known values</td></tr>
 *   <tr><td>{@code fast}</td><td>{@link BatchingProfile} with 1 ms steps and room for 65,536
 *       sequences</td><td>client throughput tests, where the server must not be the
 *       limit</td></tr>
 *   <tr><td>{@code ep8}</td><td>{@link BatchingProfile} calibrated to Qwen3-235B-A22B-GPTQ-Int4
 *       on vLLM 0.9.2 with {@code --tensor-parallel-size 8 --enable-expert-parallel}</td>
 *       <td>realistic load curves</td></tr>
 *   <tr><td>{@code tp4pp2}</td><td>the same model with {@code --tensor-parallel-size 4
 *       --pipeline-parallel-size 2}</td><td>comparing deployments</td></tr>
 * </table>
 *
 * <p>The calibrated profiles reproduce the mean TTFT, mean TPOT and output throughput of
 * {@link PublishedMeasurement#EP8} and {@link PublishedMeasurement#TP4PP2} within 12% on every
 * row when {@link ClosedLoopRun} runs the same workload in virtual time, with any client
 * turnaround from 0 to 100 ms between one request's end and the same user's next request (the
 * check is {@code CalibrationTest}). A real client needs a few milliseconds for it, and a
 * simulator at a reduced time scale stretches them, so a fit that held only at 0 ms missed
 * the table by up to 17% through the client. Their step-time parameters were fitted with the
 * {@code CalibrationFit} tool in the test sources. Only the scheduler limits come from vLLM
 * itself, so treat the fitted values as a description of these two measurements, not of the
 * hardware.
 */
public final class Profiles {
    /** Name of the fixed-timing profile. */
    public static final String FIXED = "fixed";
    /** Name of the fast profile for client throughput tests. */
    public static final String FAST = "fast";
    /** Name of the expert-parallel profile. */
    public static final String EP8 = "ep8";
    /** Name of the TP=4, PP=2 profile. */
    public static final String TP4PP2 = "tp4pp2";

    /** Default time to first token of the {@code fixed} profile. */
    public static final Duration DEFAULT_FIXED_TTFT = Duration.ofMillis(50);
    /** Default time between token events of the {@code fixed} profile. */
    public static final Duration DEFAULT_FIXED_ITL = Duration.ofMillis(10);

    /**
     * Context length of the calibrated profiles: Qwen3-235B-A22B's
     * {@code max_position_embeddings}, which vLLM uses when {@code --max-model-len} is not given.
     */
    private static final int QWEN3_235B_CONTEXT_TOKENS = 40_960;

    /**
     * vLLM 0.9's defaults for the OpenAI server on GPUs with less than 70 GiB or named A100
     * ({@code EngineArgs} in {@code vllm/engine/arg_utils.py}): {@code --max-num-seqs 256} and
     * {@code --max-num-batched-tokens 2048}.
     */
    private static final int VLLM_A100_MAX_NUM_SEQS = 256;
    private static final int VLLM_A100_MAX_NUM_BATCHED_TOKENS = 2048;

    private Profiles() {
    }

    /** Returns the profile names that {@link #byName} accepts. */
    public static List<String> names() {
        return List.of(FIXED, FAST, EP8, TP4PP2);
    }

    /**
     * Returns the profile with the given name, with its default parameters.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static EngineProfile byName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("profile name is missing: use one of "
                    + String.join(", ", names()));
        }
        switch (name) {
            case FIXED:
                return fixed(DEFAULT_FIXED_TTFT, DEFAULT_FIXED_ITL);
            case FAST:
                return fast();
            case EP8:
                return ep8();
            case TP4PP2:
                return tp4pp2();
            default:
                throw new IllegalArgumentException("unknown profile '" + name + "': use one of "
                        + String.join(", ", names()));
        }
    }

    /**
     * Returns the fixed-timing profile: the first token {@code ttft} after a request arrives,
     * then a token event every {@code itl}, with no batching and no limit on concurrent
     * requests. Context length: 1,048,576 tokens, so no realistic request is rejected.
     *
     * @throws IllegalArgumentException if a duration is negative
     */
    public static FixedTimingProfile fixed(Duration ttft, Duration itl) {
        return new FixedTimingProfile(FIXED, ttft.toNanos(), itl.toNanos(), 1 << 20);
    }

    /**
     * Returns the fast profile: every step takes 1 ms whatever it contains, up to 65,536 sequences
     * run at once, and the KV cache never fills. A request gets its first token about 1 ms after
     * it arrives and then a token every millisecond. With thousands of streams the steps are
     * limited by the CPU that writes the events, not by the model.
     */
    public static BatchingProfile fast() {
        return BatchingProfile.builder(FAST)
                .description("1 ms steps, up to 65,536 sequences, no prefill cost:"
                        + " for client throughput tests")
                .maxRunningSequences(65_536)
                .maxBatchedTokens(1 << 24)
                .kvCacheTokens(1L << 40)
                .maxModelTokens(1 << 20)
                .stepBaseNanos(1_000_000)
                .build();
    }

    /**
     * Returns the profile of Qwen3-235B-A22B-GPTQ-Int4 on vLLM 0.9.2, 8×A100 40 GB,
     * {@code --tensor-parallel-size 8 --enable-expert-parallel}.
     *
     * <table>
     *   <caption>Parameters and sources</caption>
     *   <tr><th>parameter</th><th>value</th><th>source</th></tr>
     *   <tr><td>maxRunningSequences</td><td>256</td><td>vLLM 0.9 default for A100</td></tr>
     *   <tr><td>maxBatchedTokens</td><td>2,048</td><td>vLLM 0.9 default for A100</td></tr>
     *   <tr><td>kvCacheTokens</td><td>350,000</td><td>estimate, see below</td></tr>
     *   <tr><td>maxModelTokens</td><td>40,960</td><td>the model's context length</td></tr>
     *   <tr><td>admissionDelay</td><td>37.16 ms</td><td>fitted</td></tr>
     *   <tr><td>stepBase</td><td>23.51 ms</td><td>fitted</td></tr>
     *   <tr><td>experts, expertsPerToken</td><td>128, 8</td><td>the model's MoE routing</td></tr>
     *   <tr><td>perActiveExpert</td><td>0.1057 ms</td><td>fitted</td></tr>
     *   <tr><td>perDecodeSequence</td><td>0.6703 ms</td><td>fitted</td></tr>
     *   <tr><td>perContextToken</td><td>0.78 ns</td><td>fitted</td></tr>
     *   <tr><td>prefillBase</td><td>44.66 ms</td><td>fitted</td></tr>
     *   <tr><td>perPrefillToken</td><td>0.1365 ms</td><td>fitted</td></tr>
     * </table>
     *
     * <p>The expert term matters here: with expert parallelism each GPU stores 16 whole experts,
     * and a step reads the weights of every expert its tokens are routed to. One decoding
     * sequence activates 8 of the 128 experts, ten activate about 61, and a prefill chunk
     * activates all of them. Without this term the best linear fit missed the published TPOT by
     * 10% at concurrency 1 and 100 and lost the crossover at concurrency 10.
     *
     * <p>NOTE: kvCacheTokens is an estimate, not a logged value: about 17 GB left per GPU after
     * 15.6 GB of weights at {@code --gpu-memory-utilization 0.9}, divided by 48 KiB of bf16 KV
     * per token per GPU (94 layers, one of the 4 KV heads per GPU, head size 128). The
     * calibration workload needs at most 220,000 tokens, so the estimate does not affect the
     * fit.
     */
    public static BatchingProfile ep8() {
        return BatchingProfile.builder(EP8)
                .description("Qwen3-235B-A22B-GPTQ-Int4, vLLM 0.9.2, 8xA100 40 GB,"
                        + " --tensor-parallel-size 8 --enable-expert-parallel (calibrated)")
                .maxRunningSequences(VLLM_A100_MAX_NUM_SEQS)
                .maxBatchedTokens(VLLM_A100_MAX_NUM_BATCHED_TOKENS)
                .kvCacheTokens(350_000)
                .maxModelTokens(QWEN3_235B_CONTEXT_TOKENS)
                .admissionDelayNanos(37.16e6)
                .stepBaseNanos(23.51e6)
                .perDecodeSequenceNanos(0.6703e6)
                .perContextTokenNanos(0.78)
                .prefillBaseNanos(44.66e6)
                .perPrefillTokenNanos(0.1365e6)
                .experts(128, 8)
                .perActiveExpertNanos(0.1057e6)
                .build();
    }

    /**
     * Returns the profile of Qwen3-235B-A22B-GPTQ-Int4 on vLLM 0.9.2, 8×A100 40 GB,
     * {@code --tensor-parallel-size 4 --pipeline-parallel-size 2}.
     *
     * <table>
     *   <caption>Parameters and sources</caption>
     *   <tr><th>parameter</th><th>value</th><th>source</th></tr>
     *   <tr><td>maxRunningSequences</td><td>256</td><td>vLLM 0.9 default for A100</td></tr>
     *   <tr><td>maxBatchedTokens</td><td>4,096</td><td>two pipeline micro-batches of vLLM's
     *       default 2,048</td></tr>
     *   <tr><td>kvCacheTokens</td><td>700,000</td><td>estimate, see below</td></tr>
     *   <tr><td>maxModelTokens</td><td>40,960</td><td>the model's context length</td></tr>
     *   <tr><td>admissionDelay</td><td>66.54 ms</td><td>fitted</td></tr>
     *   <tr><td>stepBase</td><td>29.48 ms</td><td>fitted</td></tr>
     *   <tr><td>perDecodeSequence</td><td>0.6329 ms</td><td>fitted</td></tr>
     *   <tr><td>perContextToken</td><td>3.30 ns</td><td>fitted</td></tr>
     *   <tr><td>prefillBase</td><td>178.6 ms</td><td>fitted</td></tr>
     *   <tr><td>perPrefillToken</td><td>0.0496 ms</td><td>fitted</td></tr>
     * </table>
     *
     * <p>The model has one step timeline, so pipeline parallelism enters through effective
     * values: with two stages, two micro-batches of up to 2,048 tokens are in flight, which the
     * model represents as one step with a budget of 4,096. The best fit found with a budget of
     * 2,048 missed the published mean TTFT at concurrency 10 and 100 by 18%.
     * The larger admission delay and prefill base absorb the pipeline's extra latency for a
     * single request. Unlike {@link #ep8()}, this profile has no expert term: with it the fit
     * improved by less than a percentage point and the throughput margin over {@code ep8} at
     * concurrency 10 shrank from 3% to 1%.
     *
     * <p>NOTE: kvCacheTokens is an estimate, not a logged value: each GPU stores 47 of the 94
     * layers and one KV head, 24 KiB of bf16 KV per token, with about the same free memory as in
     * {@link #ep8()}. The calibration workload needs at most 220,000 tokens.
     */
    public static BatchingProfile tp4pp2() {
        return BatchingProfile.builder(TP4PP2)
                .description("Qwen3-235B-A22B-GPTQ-Int4, vLLM 0.9.2, 8xA100 40 GB,"
                        + " --tensor-parallel-size 4 --pipeline-parallel-size 2 (calibrated)")
                .maxRunningSequences(VLLM_A100_MAX_NUM_SEQS)
                .maxBatchedTokens(2 * VLLM_A100_MAX_NUM_BATCHED_TOKENS)
                .kvCacheTokens(700_000)
                .maxModelTokens(QWEN3_235B_CONTEXT_TOKENS)
                .admissionDelayNanos(66.54e6)
                .stepBaseNanos(29.48e6)
                .perDecodeSequenceNanos(0.6329e6)
                .perContextTokenNanos(3.30)
                .prefillBaseNanos(178.6e6)
                .perPrefillTokenNanos(0.04962e6)
                .build();
    }
}
