package io.tokenmark.core.workload;

import io.tokenmark.core.client.ApiKind;
import io.tokenmark.core.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Prompts read from a dataset file: JSON Lines, ShareGPT or plain text (see
 * {@link DatasetFormat}). The file is read, checked and tokenized by {@link Builder#build()}, and
 * {@link #get} then only indexes an array and is safe from any thread.
 *
 * <p>Output length ({@code max_tokens}) per format: for JSONL, the record's own {@code max_tokens},
 * else {@code outputTokens}. For plain text, {@code outputTokens}. For ShareGPT, {@code outputTokens}
 * when set, else the token count of the conversation's reply, as vLLM's ShareGPT sampling does.
 * When neither gives a value, {@code max_tokens} is left out and the server decides.
 *
 * <table>
 *   <caption>Options and defaults</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code tokenizer}</td><td>none (required for ShareGPT)</td><td>counts each prompt
 *       as the server will, for {@link RequestSpec#expectedInputTokens()}, which is -1
 *       without one</td></tr>
 *   <tr><td>{@code api}</td><td>{@link ApiKind#CHAT}</td><td>chat messages, or a completions
 *       prompt (records with {@code messages} are then rejected)</td></tr>
 *   <tr><td>{@code outputTokens}</td><td>-1 (none)</td><td>{@code max_tokens}, see above</td></tr>
 *   <tr><td>{@code prompts}</td><td>0 (all)</td><td>how many records to use, after shuffling</td></tr>
 *   <tr><td>{@code shuffle}</td><td>true for ShareGPT, false otherwise</td><td>shuffle the
 *       records with {@code seed} before taking {@code prompts} of them</td></tr>
 *   <tr><td>{@code seed}</td><td>0</td><td>shuffle order</td></tr>
 *   <tr><td>{@code prune}</td><td>true</td><td>ShareGPT only: skip conversations vLLM skips,
 *       whose prompt or reply has fewer than 4 tokens, whose prompt has more than 1,024, or whose
 *       prompt and reply have more than 2,048 together (the reply check is off when
 *       {@code outputTokens} is set)</td></tr>
 *   <tr><td>{@code minTokens}</td><td>false</td><td>sends {@code min_tokens} equal to
 *       {@code max_tokens}</td></tr>
 *   <tr><td>{@code ignoreEos}</td><td>false</td><td>sends {@code ignore_eos}</td></tr>
 * </table>
 */
public final class DatasetWorkload implements Workload {
    /** vLLM's ShareGPT length filter: minimum tokens of prompt and reply. */
    static final int PRUNE_MIN_TOKENS = 4;
    /** vLLM's ShareGPT length filter: maximum prompt tokens. */
    static final int PRUNE_MAX_PROMPT_TOKENS = 1024;
    /** vLLM's ShareGPT length filter: maximum prompt and reply tokens together. */
    static final int PRUNE_MAX_TOTAL_TOKENS = 2048;

    private final RequestSpec[] specs;
    private final String description;

    private DatasetWorkload(RequestSpec[] specs, String description) {
        this.specs = specs;
        this.description = description;
    }

    /** Starts a builder for a dataset file of the given format. */
    public static Builder builder(DatasetFormat format, Path file) {
        return new Builder(format, file);
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

    /** Reads and prepares a dataset; not thread-safe. */
    public static final class Builder {
        private final DatasetFormat format;
        private final Path file;
        private Tokenizer tokenizer;
        private ApiKind api = ApiKind.CHAT;
        private int outputTokens = -1;
        private int prompts;
        private Boolean shuffle;
        private long seed;
        private boolean prune = true;
        private boolean minTokens;
        private boolean ignoreEos;

        private Builder(DatasetFormat format, Path file) {
            this.format = Objects.requireNonNull(format, "format");
            this.file = Objects.requireNonNull(file, "file");
        }

        /** Sets the target model's tokenizer, or {@code null} for none. The caller keeps and closes it. */
        public Builder tokenizer(Tokenizer tokenizer) {
            this.tokenizer = tokenizer;
            return this;
        }

        public Builder api(ApiKind api) {
            this.api = Objects.requireNonNull(api, "api");
            return this;
        }

        /** Sets {@code max_tokens} as the class comment describes, or -1 for none. */
        public Builder outputTokens(int outputTokens) {
            this.outputTokens = outputTokens;
            return this;
        }

        /** Sets how many records to use, or 0 for all. */
        public Builder prompts(int prompts) {
            this.prompts = prompts;
            return this;
        }

        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder prune(boolean prune) {
            this.prune = prune;
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

        /**
         * Reads the file and builds the specs.
         *
         * @throws IllegalArgumentException naming an invalid option and its valid range
         * @throws DatasetException naming the file, and the line where one applies, when the file
         *     cannot be used
         */
        public DatasetWorkload build() {
            validate();
            List<DatasetRecord> records = read();
            if (shuffle != null ? shuffle : format == DatasetFormat.SHAREGPT) {
                shuffle(records, new SplittableRandom(seed));
            }

            List<RequestSpec> specs = new ArrayList<>();
            for (DatasetRecord record : records) {
                if (prompts > 0 && specs.size() == prompts) {
                    break;
                }
                RequestSpec spec = toSpec(record);
                if (spec != null) {
                    specs.add(spec);
                }
            }
            if (specs.isEmpty()) {
                throw new DatasetException(file, 0, "every conversation was pruned by length: "
                        + "turn pruning off or use a dataset with shorter conversations");
            }

            String description = String.format(Locale.ROOT, "%s: %s, %d prompts, %s",
                    format.label(), file.getFileName(), specs.size(),
                    api.name().toLowerCase(Locale.ROOT));
            return new DatasetWorkload(specs.toArray(new RequestSpec[0]), description);
        }

        private void validate() {
            if (outputTokens == 0 || outputTokens < -1) {
                throw new IllegalArgumentException("invalid output tokens " + outputTokens
                        + ": must be at least 1, or -1 to leave max_tokens out");
            }
            if (prompts < 0) {
                throw new IllegalArgumentException(
                        "invalid prompts " + prompts + ": must be at least 1, or 0 for all records");
            }
            if (format == DatasetFormat.SHAREGPT && tokenizer == null) {
                throw new IllegalArgumentException("a ShareGPT dataset needs a tokenizer: "
                        + "output lengths come from the token count of each reply");
            }
        }

        private List<DatasetRecord> read() {
            switch (format) {
                case JSONL:
                    return JsonlDataset.read(file);
                case SHAREGPT:
                    return ShareGptDataset.read(file);
                case LINES:
                    return LinesDataset.read(file);
                default:
                    throw new IllegalStateException("unhandled format " + format);
            }
        }

        /** Returns the record's spec, or {@code null} when pruning skips it. */
        private RequestSpec toSpec(DatasetRecord record) {
            int maxTokens = record.maxTokens() > 0 ? record.maxTokens() : outputTokens;
            if (record.reply() != null) {
                // NOTE: vLLM counts prompt and reply with special tokens added, so for tokenizers
                // that add a BOS its counts are one higher each than these.
                int promptTokens = tokenizer.count(record.prompt());
                int replyTokens = tokenizer.count(record.reply());
                if (outputTokens < 0) {
                    maxTokens = Math.max(1, replyTokens);
                }
                if (prune && isPruned(promptTokens, replyTokens)) {
                    return null;
                }
            }

            RequestSpec.Builder spec = RequestSpec.builder()
                    .datasetIndex(record.index())
                    .maxTokens(maxTokens)
                    .ignoreEos(ignoreEos);
            if (minTokens) {
                if (maxTokens < 0) {
                    throw new DatasetException(file, record.lineNumber(), "min tokens is on but the "
                            + "record has no max_tokens and no output tokens is set: set output tokens");
                }
                spec.minTokens(maxTokens);
            }
            if (api == ApiKind.CHAT) {
                List<ChatMessage> messages = record.messages() != null
                        ? record.messages() : List.of(ChatMessage.user(record.prompt()));
                spec.messages(messages);
                spec.expectedInputTokens(tokenizer == null ? -1 : tokenizer.countChatPrompt(messages));
            } else {
                if (record.prompt() == null) {
                    throw new DatasetException(file, record.lineNumber(), "record has \"messages\" "
                            + "but the completions API sends a prompt: give \"prompt\" or use the chat API");
                }
                spec.prompt(record.prompt());
                spec.expectedInputTokens(tokenizer == null ? -1 : tokenizer.countCompletionPrompt(record.prompt()));
            }
            return spec.build();
        }

        private boolean isPruned(int promptTokens, int replyTokens) {
            boolean fixedOutput = outputTokens > 0;
            int output = fixedOutput ? outputTokens : replyTokens;
            return promptTokens < PRUNE_MIN_TOKENS
                    || (!fixedOutput && replyTokens < PRUNE_MIN_TOKENS)
                    || promptTokens > PRUNE_MAX_PROMPT_TOKENS
                    || promptTokens + output > PRUNE_MAX_TOTAL_TOKENS;
        }

        private static void shuffle(List<DatasetRecord> records, SplittableRandom random) {
            for (int i = records.size() - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                DatasetRecord swapped = records.get(i);
                records.set(i, records.get(j));
                records.set(j, swapped);
            }
        }
    }
}
