package io.tokenmark.core.workload;

import io.tokenmark.core.client.ApiKind;
import io.tokenmark.core.tokenizer.Tokenizer;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Random prompts of an exact token length, the workload behind "1,024 tokens in, 1,024 out":
 * what {@code vllm bench serve --dataset-name random} sends, except that every prompt has exactly
 * the drawn length instead of approximately.
 *
 * <p>For prompt <i>i</i>, the body length <i>N<sub>i</sub></i> is drawn uniformly from the
 * integers in [⌊L·(1−r)⌋, ⌈L·(1+r)⌉] and {@code max_tokens} from [⌊O·(1−r)⌋, ⌈O·(1+r)⌉] (at
 * least 1), where L is {@code inputTokens}, O is {@code outputTokens} and r the range ratio.
 * The prompt is a shared prefix of P random tokens (the same text in every prompt, for
 * prefix-cache experiments) followed by N<sub>i</sub> random tokens, and the tokenizer encodes
 * it to exactly P + N<sub>i</sub> tokens without special tokens. Token ids are drawn from the
 * vocabulary without added tokens (special tokens such as {@code <|im_end|>} and others such as
 * {@code <think>}). {@link ExactLengthText} describes the construction.
 *
 * <p>With the chat API the prompt is one user message and the server counts it with its chat
 * template, so {@link RequestSpec#expectedInputTokens()} is the templated count (P + N<sub>i</sub>
 * plus about 9 tokens for Qwen3). With the completions API it is the prompt with the tokens the
 * tokenizer adds to one sequence (a BOS for Llama-style tokenizers).
 *
 * <table>
 *   <caption>Options and defaults</caption>
 *   <tr><th>option</th><th>default</th><th>valid</th><th>meaning</th></tr>
 *   <tr><td>{@code inputTokens}</td><td>1,024</td><td>0 to 1,048,576</td><td>L, mean body
 *       length</td></tr>
 *   <tr><td>{@code outputTokens}</td><td>128</td><td>1 to 1,048,576</td><td>O, mean
 *       {@code max_tokens}</td></tr>
 *   <tr><td>{@code rangeRatio}</td><td>0</td><td>[0, 1)</td><td>r</td></tr>
 *   <tr><td>{@code prefixTokens}</td><td>0</td><td>0 to 1,048,576</td><td>P, shared
 *       prefix</td></tr>
 *   <tr><td>{@code prompts}</td><td>100</td><td>1 to 1,000,000</td><td>distinct prompts,
 *       {@link #size()}</td></tr>
 *   <tr><td>{@code seed}</td><td>0</td><td>any</td><td>same seed, same prompts</td></tr>
 *   <tr><td>{@code minTokens}</td><td>false</td><td></td><td>sends {@code min_tokens} equal to
 *       {@code max_tokens} (vLLM, SGLang)</td></tr>
 *   <tr><td>{@code ignoreEos}</td><td>false</td><td></td><td>sends {@code ignore_eos} (vLLM,
 *       SGLang)</td></tr>
 *   <tr><td>{@code api}</td><td>{@link ApiKind#CHAT}</td><td></td><td>messages or a completions
 *       prompt</td></tr>
 * </table>
 *
 * <p><b>Pitfalls.</b> Without {@code minTokens} or {@code ignoreEos} a model may stop before
 * {@code max_tokens}, so output lengths vary. A run of more requests than {@link #size()} repeats
 * prompts, which a server's prefix cache then serves cheaply: make {@code prompts} at least the
 * number of requests. Building takes time because each prompt is decoded and re-encoded a few
 * times, in parallel over all cores. On a shared, loaded 2-core machine a 1,024-token chat prompt
 * took 10 to 17 ms and an 8,192-token one about 60 ms ({@code WorkloadBuildTiming} in the test
 * sources measures this).
 *
 * <p><b>Threading:</b> {@link Builder#build()} builds every prompt, and {@link #get} only indexes
 * an array and is safe from any thread.
 */
public final class RandomPromptWorkload implements Workload {
    private final RequestSpec[] specs;
    private final int[] promptTokens;
    private final String description;

    private RandomPromptWorkload(RequestSpec[] specs, int[] promptTokens, String description) {
        this.specs = specs;
        this.promptTokens = promptTokens;
        this.description = description;
    }

    /** Starts a builder. {@code tokenizer} must be the target model's, and the caller keeps and closes it. */
    public static Builder builder(Tokenizer tokenizer) {
        return new Builder(tokenizer);
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public int size() {
        return specs.length;
    }

    @Override
    public RequestSpec get(long sequence) {
        return specs[(int) Math.floorMod(sequence, (long) specs.length)];
    }

    /** Returns the tokens of prompt {@code index}'s text without template or special tokens: P + N. */
    public int promptTokens(int index) {
        return promptTokens[index];
    }

    /** Builds the prompts; not thread-safe. */
    public static final class Builder {
        static final int MAX_TOKENS = 1 << 20;
        static final int MAX_PROMPTS = 1_000_000;

        private final Tokenizer tokenizer;
        private int inputTokens = 1024;
        private int outputTokens = 128;
        private double rangeRatio;
        private int prefixTokens;
        private int prompts = 100;
        private long seed;
        private boolean minTokens;
        private boolean ignoreEos;
        private ApiKind api = ApiKind.CHAT;

        private Builder(Tokenizer tokenizer) {
            this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        }

        public Builder inputTokens(int inputTokens) {
            this.inputTokens = inputTokens;
            return this;
        }

        public Builder outputTokens(int outputTokens) {
            this.outputTokens = outputTokens;
            return this;
        }

        public Builder rangeRatio(double rangeRatio) {
            this.rangeRatio = rangeRatio;
            return this;
        }

        public Builder prefixTokens(int prefixTokens) {
            this.prefixTokens = prefixTokens;
            return this;
        }

        public Builder prompts(int prompts) {
            this.prompts = prompts;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder minTokens(boolean minTokens) {
            this.minTokens = minTokens;
            return this;
        }

        public Builder ignoreEos(boolean ignoreEos) {
            this.ignoreEos = ignoreEos;
            return this;
        }

        public Builder api(ApiKind api) {
            this.api = Objects.requireNonNull(api, "api");
            return this;
        }

        /**
         * Validates the options and builds every prompt.
         *
         * @throws IllegalArgumentException naming the first invalid option and its valid range
         */
        public RandomPromptWorkload build() {
            validate();
            int inputLow = (int) Math.floor(inputTokens * (1 - rangeRatio));
            int inputHigh = (int) Math.ceil(inputTokens * (1 + rangeRatio));
            int outputLow = Math.max(1, (int) Math.floor(outputTokens * (1 - rangeRatio)));
            int outputHigh = Math.max(outputLow, (int) Math.ceil(outputTokens * (1 + rangeRatio)));
            if (prefixTokens + inputLow < 1) {
                throw new IllegalArgumentException("invalid input tokens " + inputTokens
                        + " with range ratio " + rangeRatio + " and no prefix: the shortest prompt "
                        + "would have 0 tokens; raise input tokens or the prefix, or lower the ratio");
            }

            // Lengths and per-prompt seeds come from one sequence, so the prompts do not depend
            // on the order in which the parallel build below finishes them.
            SplittableRandom random = new SplittableRandom(seed);
            int[] bodyTokens = new int[prompts];
            int[] maxTokens = new int[prompts];
            long[] promptSeeds = new long[prompts];
            for (int i = 0; i < prompts; i++) {
                bodyTokens[i] = random.nextInt(inputLow, inputHigh + 1);
                maxTokens[i] = random.nextInt(outputLow, outputHigh + 1);
                promptSeeds[i] = random.nextLong();
            }
            long prefixSeed = random.nextLong();

            ExactLengthText text = new ExactLengthText(tokenizer);
            String prefix = text.generate("", new int[0], prefixTokens, new SplittableRandom(prefixSeed));
            int[] prefixIds = tokenizer.encode(prefix);

            RequestSpec[] specs = new RequestSpec[prompts];
            int[] promptTokens = new int[prompts];
            IntStream.range(0, prompts).parallel().forEach(i -> {
                String prompt = text.generate(prefix, prefixIds, bodyTokens[i],
                        new SplittableRandom(promptSeeds[i]));
                promptTokens[i] = prefixTokens + bodyTokens[i];
                specs[i] = spec(i, prompt, maxTokens[i]);
            });

            String description = String.format(Locale.ROOT,
                    "random: %d in (±%s%%%s), %d out, %d prompts, seed %d, %s",
                    inputTokens, trimmed(rangeRatio * 100),
                    prefixTokens > 0 ? ", prefix " + prefixTokens : "",
                    outputTokens, prompts, seed, api.name().toLowerCase(Locale.ROOT));
            return new RandomPromptWorkload(specs, promptTokens, description);
        }

        private RequestSpec spec(int index, String prompt, int maxTokens) {
            RequestSpec.Builder spec = RequestSpec.builder()
                    .datasetIndex(index)
                    .maxTokens(maxTokens)
                    .minTokens(minTokens ? maxTokens : -1)
                    .ignoreEos(ignoreEos);
            if (api == ApiKind.CHAT) {
                List<ChatMessage> messages = List.of(ChatMessage.user(prompt));
                spec.messages(messages).expectedInputTokens(tokenizer.countChatPrompt(messages));
            } else {
                spec.prompt(prompt).expectedInputTokens(tokenizer.countCompletionPrompt(prompt));
            }
            return spec.build();
        }

        private void validate() {
            requireRange("input tokens", inputTokens, 0, MAX_TOKENS);
            requireRange("output tokens", outputTokens, 1, MAX_TOKENS);
            requireRange("prefix tokens", prefixTokens, 0, MAX_TOKENS);
            requireRange("prompts", prompts, 1, MAX_PROMPTS);
            if (!(rangeRatio >= 0 && rangeRatio < 1)) {
                throw new IllegalArgumentException(
                        "invalid range ratio " + rangeRatio + ": must be at least 0 and below 1");
            }
        }

        private static void requireRange(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException("invalid " + name + " " + value
                        + ": must be from " + min + " to " + max);
            }
        }

        private static String trimmed(double value) {
            return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
        }
    }
}
