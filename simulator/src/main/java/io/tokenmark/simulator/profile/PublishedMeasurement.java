package io.tokenmark.simulator.profile;

import java.util.List;

/**
 * One row of the published measurements that the {@code ep8} and {@code tp4pp2} profiles are
 * calibrated to.
 *
 * <p>Setup of every row: Qwen3-235B-A22B-GPTQ-Int4 served by vLLM 0.9.2 on 8×A100 40 GB (PCIe,
 * NVLink); random prompts of about 1,024 input tokens, which the server counted as 1,062 to
 * 1,094 with the chat template; 1,024 output tokens; a closed loop of {@code concurrency}
 * clients sending {@code requests} requests in total.
 *
 * @param deployment the vLLM parallelism flags
 * @param concurrency clients sending at the same time
 * @param requests requests in total
 * @param meanTtftSeconds mean time to first token
 * @param meanTpotSeconds mean time per output token
 * @param outputTokensPerSecond output token throughput
 * @param totalTokensPerSecond input plus output token throughput
 */
public record PublishedMeasurement(String deployment, int concurrency, int requests,
        double meanTtftSeconds, double meanTpotSeconds, double outputTokensPerSecond,
        double totalTokensPerSecond) {

    /** Flags of the expert-parallel deployment. */
    public static final String EP8_FLAGS = "--tensor-parallel-size 8 --enable-expert-parallel";
    /** Flags of the tensor- and pipeline-parallel deployment. */
    public static final String TP4PP2_FLAGS =
            "--tensor-parallel-size 4 --pipeline-parallel-size 2";

    /** Smallest prompt length the server counted, chat template included. */
    public static final int MIN_INPUT_TOKENS = 1062;
    /** Largest prompt length the server counted, chat template included. */
    public static final int MAX_INPUT_TOKENS = 1094;
    /** Output tokens of every request. */
    public static final int OUTPUT_TOKENS = 1024;

    /** The four rows measured with expert parallelism (EP=8). */
    public static final List<PublishedMeasurement> EP8 = List.of(
            new PublishedMeasurement(EP8_FLAGS, 1, 10, 0.2734, 0.0248, 40.01, 81.53),
            new PublishedMeasurement(EP8_FLAGS, 10, 20, 1.1695, 0.0374, 259.56, 536.83),
            new PublishedMeasurement(EP8_FLAGS, 50, 100, 3.3566, 0.0722, 661.61, 1355.19),
            new PublishedMeasurement(EP8_FLAGS, 100, 200, 6.3438, 0.1161, 814.26, 1676.14));

    /** The four rows measured with TP=4 and PP=2. */
    public static final List<PublishedMeasurement> TP4PP2 = List.of(
            new PublishedMeasurement(TP4PP2_FLAGS, 1, 10, 0.3141, 0.0299, 33.16, 67.56),
            new PublishedMeasurement(TP4PP2_FLAGS, 10, 20, 0.9636, 0.0359, 271.97, 562.50),
            new PublishedMeasurement(TP4PP2_FLAGS, 50, 100, 2.1127, 0.0648, 747.16, 1530.41),
            new PublishedMeasurement(TP4PP2_FLAGS, 100, 200, 3.7691, 0.0990, 972.05, 2000.94));

    /** Returns the closed-loop settings that reproduce this row's workload. */
    public ClosedLoopRun.Settings settings(long seed) {
        return new ClosedLoopRun.Settings(concurrency, requests, MIN_INPUT_TOKENS,
                MAX_INPUT_TOKENS, OUTPUT_TOKENS, seed);
    }
}
