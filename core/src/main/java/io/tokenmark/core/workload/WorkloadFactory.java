package io.tokenmark.core.workload;

import io.tokenmark.core.client.ApiKind;
import io.tokenmark.core.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds a workload from a name and string options, as a command line or system properties give
 * them. Every option is checked once, before any file is read, and an error names the option,
 * the value and the valid range.
 *
 * <table>
 *   <caption>Workloads and options</caption>
 *   <tr><th>option</th><th>workloads</th><th>default</th><th>valid</th><th>meaning</th></tr>
 *   <tr><td>{@code api}</td><td>all</td><td>chat</td><td>chat, completions</td><td>messages or
 *       a completions prompt; must match the client's API</td></tr>
 *   <tr><td>{@code prompts}</td><td>all</td><td>random: 100; others: 0 (all)</td><td>random: 1 to
 *       1,000,000; others: 0 to 1,000,000</td><td>distinct prompts</td></tr>
 *   <tr><td>{@code seed}</td><td>all</td><td>0</td><td>any integer</td><td>random draws and
 *       shuffle order</td></tr>
 *   <tr><td>{@code output-tokens}</td><td>all</td><td>random: 128; others: none</td><td>1 to
 *       1,048,576</td><td>{@code max_tokens}: the mean for random, the value for records without
 *       one for jsonl and lines, the reply-length override for sharegpt</td></tr>
 *   <tr><td>{@code min-tokens}</td><td>all</td><td>false</td><td>true, false</td><td>sends
 *       {@code min_tokens} equal to {@code max_tokens}</td></tr>
 *   <tr><td>{@code ignore-eos}</td><td>all</td><td>false</td><td>true, false</td><td>sends
 *       {@code ignore_eos}</td></tr>
 *   <tr><td>{@code input-tokens}</td><td>random</td><td>1,024</td><td>0 to 1,048,576</td><td>mean
 *       prompt length after the prefix</td></tr>
 *   <tr><td>{@code range-ratio}</td><td>random</td><td>0</td><td>[0, 1)</td><td>lengths vary
 *       uniformly by this fraction either way</td></tr>
 *   <tr><td>{@code prefix-tokens}</td><td>random</td><td>0</td><td>0 to 1,048,576</td><td>shared
 *       prefix length</td></tr>
 *   <tr><td>{@code path}</td><td>jsonl, sharegpt, lines</td><td>required</td><td>a file</td><td>the
 *       dataset</td></tr>
 *   <tr><td>{@code shuffle}</td><td>jsonl, sharegpt, lines</td><td>sharegpt: true; others:
 *       false</td><td>true, false</td><td>shuffle records with {@code seed}</td></tr>
 *   <tr><td>{@code prune}</td><td>sharegpt</td><td>true</td><td>true, false</td><td>skip
 *       conversations vLLM's length filter skips</td></tr>
 * </table>
 *
 * <p>See {@link RandomPromptWorkload} and {@link DatasetWorkload} for what each option does in
 * detail. The workloads are fully built before this method returns.
 */
public final class WorkloadFactory {
    private static final Set<String> COMMON = Set.of(
            "api", "prompts", "seed", "output-tokens", "min-tokens", "ignore-eos");
    private static final Map<String, Set<String>> OPTIONS = Map.of(
            "random", union(COMMON, "input-tokens", "range-ratio", "prefix-tokens"),
            "jsonl", union(COMMON, "path", "shuffle"),
            "sharegpt", union(COMMON, "path", "shuffle", "prune"),
            "lines", union(COMMON, "path", "shuffle"));

    /** Workload names, in the order help text lists them. */
    public static final List<String> NAMES = List.of("random", "jsonl", "sharegpt", "lines");

    private WorkloadFactory() {
    }

    /**
     * Returns the option names a workload accepts, sorted.
     *
     * @throws IllegalArgumentException for an unknown workload name
     */
    public static Set<String> optionNames(String workload) {
        return new TreeSet<>(optionsOf(workload));
    }

    /**
     * Builds a workload.
     *
     * @param name {@code random}, {@code jsonl}, {@code sharegpt} or {@code lines}
     * @param options option name to value, as in the class comment. Absent options take their
     *     defaults.
     * @param tokenizer the target model's tokenizer, required for {@code random} and
     *     {@code sharegpt} and optional (for expected input counts) otherwise. The caller keeps
     *     and closes it.
     * @throws IllegalArgumentException for an unknown name or option, an invalid value, or a
     *     missing tokenizer or path
     * @throws DatasetException when a dataset file cannot be used
     */
    public static Workload create(String name, Map<String, String> options, Tokenizer tokenizer) {
        Set<String> accepted = optionsOf(name);
        for (String option : options.keySet()) {
            if (!accepted.contains(option)) {
                throw new IllegalArgumentException("unknown option '" + option + "' for workload "
                        + name + ": valid options are " + String.join(", ", new TreeSet<>(accepted)));
            }
        }
        Options values = new Options(options);
        if (tokenizer == null && (name.equals("random") || name.equals("sharegpt"))) {
            throw new IllegalArgumentException("workload " + name + " needs a tokenizer: "
                    + "give the target model's tokenizer.json, or use the bundled Qwen3 one");
        }
        if (name.equals("random")) {
            return random(values, tokenizer);
        }
        return dataset(name, values, tokenizer);
    }

    private static Workload random(Options values, Tokenizer tokenizer) {
        int max = RandomPromptWorkload.Builder.MAX_TOKENS;
        RandomPromptWorkload.Builder builder = RandomPromptWorkload.builder(tokenizer)
                .api(values.api())
                .prompts(values.integer("prompts", 100, 1, RandomPromptWorkload.Builder.MAX_PROMPTS))
                .seed(values.longValue("seed", 0))
                .outputTokens(values.integer("output-tokens", 128, 1, max))
                .minTokens(values.bool("min-tokens", false))
                .ignoreEos(values.bool("ignore-eos", false))
                .inputTokens(values.integer("input-tokens", 1024, 0, max))
                .rangeRatio(values.ratio("range-ratio"))
                .prefixTokens(values.integer("prefix-tokens", 0, 0, max));
        return builder.build();
    }

    private static Workload dataset(String name, Options values, Tokenizer tokenizer) {
        DatasetFormat format = DatasetFormat.valueOf(name.toUpperCase(Locale.ROOT));
        DatasetWorkload.Builder builder = DatasetWorkload.builder(format, values.path())
                .tokenizer(tokenizer)
                .api(values.api())
                .prompts(values.integer("prompts", 0, 0, RandomPromptWorkload.Builder.MAX_PROMPTS))
                .seed(values.longValue("seed", 0))
                .outputTokens(values.integer("output-tokens", -1, 1, RandomPromptWorkload.Builder.MAX_TOKENS))
                .minTokens(values.bool("min-tokens", false))
                .ignoreEos(values.bool("ignore-eos", false))
                .shuffle(values.bool("shuffle", format == DatasetFormat.SHAREGPT));
        if (format == DatasetFormat.SHAREGPT) {
            builder.prune(values.bool("prune", true));
        }
        return builder.build();
    }

    private static Set<String> optionsOf(String workload) {
        Set<String> options = workload == null ? null : OPTIONS.get(workload);
        if (options == null) {
            throw new IllegalArgumentException("unknown workload '" + workload + "': use "
                    + String.join(", ", NAMES.subList(0, NAMES.size() - 1)) + " or "
                    + NAMES.get(NAMES.size() - 1));
        }
        return options;
    }

    private static Set<String> union(Set<String> common, String... more) {
        Set<String> all = new LinkedHashSet<>(common);
        all.addAll(List.of(more));
        return Set.copyOf(all);
    }

    /** Typed access to string option values, with errors that name the option. */
    private static final class Options {
        private final Map<String, String> values;

        Options(Map<String, String> values) {
            this.values = new HashMap<>(values);
        }

        ApiKind api() {
            String value = values.get("api");
            if (value == null) {
                return ApiKind.CHAT;
            }
            try {
                return ApiKind.parse(value.strip());
            } catch (IllegalArgumentException e) {
                throw invalid("api", value, "use chat or completions");
            }
        }

        /** Returns the value, the default when absent, or fails outside [min, max]. */
        int integer(String option, int absent, int min, int max) {
            String value = values.get(option);
            if (value == null) {
                return absent;
            }
            long parsed;
            try {
                parsed = Long.parseLong(value.strip());
            } catch (NumberFormatException e) {
                throw invalid(option, value, "must be an integer from " + min + " to " + max);
            }
            if (parsed < min || parsed > max) {
                throw invalid(option, value, "must be from " + min + " to " + max);
            }
            return (int) parsed;
        }

        long longValue(String option, long absent) {
            String value = values.get(option);
            if (value == null) {
                return absent;
            }
            try {
                return Long.parseLong(value.strip());
            } catch (NumberFormatException e) {
                throw invalid(option, value, "must be an integer from " + Long.MIN_VALUE
                        + " to " + Long.MAX_VALUE);
            }
        }

        double ratio(String option) {
            String value = values.get(option);
            if (value == null) {
                return 0;
            }
            double parsed;
            try {
                parsed = Double.parseDouble(value.strip());
            } catch (NumberFormatException e) {
                throw invalid(option, value, "must be a number at least 0 and below 1");
            }
            if (!(parsed >= 0 && parsed < 1)) {
                throw invalid(option, value, "must be at least 0 and below 1");
            }
            return parsed;
        }

        boolean bool(String option, boolean absent) {
            String value = values.get(option);
            if (value == null) {
                return absent;
            }
            String normalised = value.strip().toLowerCase(Locale.ROOT);
            if (normalised.equals("true")) {
                return true;
            }
            if (normalised.equals("false")) {
                return false;
            }
            throw invalid(option, value, "use true or false");
        }

        Path path() {
            String value = values.get("path");
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(
                        "missing option path: give the dataset file, for example path=prompts.jsonl");
            }
            return Path.of(value.strip());
        }

        private static IllegalArgumentException invalid(String option, String value, String rule) {
            return new IllegalArgumentException(
                    "invalid value '" + value + "' for option " + option + ": " + rule);
        }
    }
}
