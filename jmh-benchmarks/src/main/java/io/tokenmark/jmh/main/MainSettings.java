package io.tokenmark.jmh.main;

import io.tokenmark.core.client.ApiKind;
import io.tokenmark.core.metric.Slo;
import io.tokenmark.core.report.OutputLayout;
import io.tokenmark.core.sampler.LoadPoint;
import io.tokenmark.core.workload.RandomPromptWorkload;
import io.tokenmark.jmh.HarnessOptions;
import io.tokenmark.jmh.Target;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.profile.Profiles;
import java.math.BigDecimal;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The settings of the main command and its {@link DefaultBenchmark}, read from {@code tokenmark.*}
 * system properties ({@code -Dtokenmark.url=...} on the Maven command line). Every property is
 * checked once, when {@link #parse} runs; an error names the property, the value and what to
 * set instead. A property that is absent or blank takes its default.
 *
 * <table>
 *   <caption>Properties</caption>
 *   <tr><th>property</th><th>default</th><th>valid</th><th>meaning</th></tr>
 *   <tr><td>{@code tokenmark.url}</td><td>none: the embedded simulator</td><td>http(s) URL with
 *       a host</td><td>base URL of an OpenAI-compatible server, such as
 *       {@code http://127.0.0.1:8000/v1}</td></tr>
 *   <tr><td>{@code tokenmark.model}</td><td>required with a URL; the simulator's own name
 *       otherwise</td><td>non-blank</td><td>the {@code model} of every request</td></tr>
 *   <tr><td>{@code tokenmark.api}</td><td>chat</td><td>chat, completions</td><td>the API
 *       benchmarked</td></tr>
 *   <tr><td>{@code tokenmark.profile}</td><td>fixed: 50 ms to the first token, 10 ms between
 *       tokens</td><td>fixed, fast, ep8, tp4pp2; not with a URL</td><td>the simulator's engine
 *       profile</td></tr>
 *   <tr><td>{@code tokenmark.concurrency}</td><td>1,4,16</td><td>comma-separated distinct
 *       integers from 1 to 1,000,000</td><td>the closed-loop concurrencies, one JMH
 *       {@code @Param} value each</td></tr>
 *   <tr><td>{@code tokenmark.input-tokens}</td><td>128</td><td>1 to 1,048,576</td><td>prompt
 *       length in tokens of the random workload (Qwen3 tokenizer)</td></tr>
 *   <tr><td>{@code tokenmark.output-tokens}</td><td>20</td><td>1 to 1,048,576</td><td>the
 *       {@code max_tokens} of every request</td></tr>
 *   <tr><td>{@code tokenmark.slo}</td><td>none</td><td>{@code metric=ms} pairs, such as
 *       {@code ttft=500,tpot=50}</td><td>per-request limits for goodput</td></tr>
 *   <tr><td>{@code tokenmark.out}</td><td>{@code target/tokenmark}</td><td>a path</td><td>the
 *       folder of run folders</td></tr>
 *   <tr><td>{@code tokenmark.label}</td><td>the simulator profile, or the model's last path
 *       segment</td><td>letters, digits, {@code . _ -}</td><td>the run folder's name</td></tr>
 *   <tr><td>{@code tokenmark.warmup-iterations}</td><td>1</td><td>0 to 1,000</td><td>JMH warm-up
 *       iterations per concurrency</td></tr>
 *   <tr><td>{@code tokenmark.iterations}</td><td>2</td><td>1 to 1,000</td><td>JMH measurement
 *       iterations per concurrency</td></tr>
 *   <tr><td>{@code tokenmark.iteration-seconds}</td><td>2</td><td>0.1 to 3,600</td><td>length of
 *       each JMH iteration, warm-up included</td></tr>
 *   <tr><td>{@code tokenmark.forks}</td><td>1</td><td>0 to 100</td><td>JMH forks per
 *       concurrency; 0 runs in the main command's JVM</td></tr>
 * </table>
 *
 * <p>The API key is not a property: it comes from {@code TOKENMARK_API_KEY}, else
 * {@code OPENAI_API_KEY}, and is never printed or written.
 */
public record MainSettings(
        String url,
        String model,
        ApiKind api,
        String profile,
        List<Integer> concurrency,
        int inputTokens,
        int outputTokens,
        Slo slo,
        Path outputDirectory,
        String label,
        int warmupIterations,
        int iterations,
        double iterationSeconds,
        int forks) {

    /** The prefix of every property. */
    public static final String PREFIX = "tokenmark.";

    /** Property names without the prefix, in the order of the class table. */
    public static final List<String> NAMES = List.of("url", "model", "api", "profile",
            "concurrency", "input-tokens", "output-tokens", "slo", "out", "label",
            "warmup-iterations", "iterations", "iteration-seconds", "forks");

    /** Distinct prompts of the random workload. */
    static final int PROMPTS = 256;

    private static final int MAX_TOKENS = 1 << 20;

    public MainSettings {
        concurrency = List.copyOf(concurrency);
    }

    /** Reads and checks the {@code tokenmark.*} properties of this JVM; see {@link #parse}. */
    public static MainSettings fromSystemProperties() {
        return parse(System.getProperties());
    }

    /**
     * Reads and checks the {@code tokenmark.*} entries of {@code properties}; other entries are
     * ignored.
     *
     * @throws IllegalArgumentException naming the first invalid or unknown property, its value
     *     and the fix
     */
    public static MainSettings parse(Properties properties) {
        Map<String, String> values = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(PREFIX)) {
                values.put(name.substring(PREFIX.length()), properties.getProperty(name));
            }
        }
        return parse(values);
    }

    /**
     * Checks property values given without the prefix, such as {@code url}; a blank value is
     * the same as an absent one.
     *
     * @throws IllegalArgumentException naming the first invalid or unknown property, its value
     *     and the fix
     */
    public static MainSettings parse(Map<String, String> values) {
        for (String name : values.keySet()) {
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("unknown property " + PREFIX + name
                        + ": the properties are " + PREFIX + String.join(", " + PREFIX, NAMES));
            }
        }
        Reader reader = new Reader(values);

        String url = reader.text("url");
        String model = reader.text("model");
        String profile = reader.text("profile");
        if (url != null) {
            Target target = reader.check("url", url, () -> Target.server(url, "placeholder"));
            if (target.baseUrl().getRawUserInfo() != null || target.baseUrl().getRawQuery() != null) {
                throw new IllegalArgumentException("invalid " + PREFIX + "url for "
                        + target.displayUrl() + ": it carries user info or a query string, which"
                        + " JMH would print with the JVM options (not repeated here); put the API"
                        + " key in TOKENMARK_API_KEY and give the URL without them");
            }
            if (model == null) {
                throw new IllegalArgumentException("missing " + PREFIX + "model: with " + PREFIX
                        + "url give the model the server serves, as GET " + target.displayUrl()
                        + "/models lists it, for example -D" + PREFIX + "model=Qwen/Qwen3-8B");
            }
            if (profile != null) {
                throw new IllegalArgumentException(PREFIX + "profile '" + profile + "' applies to"
                        + " the embedded simulator, but " + PREFIX + "url is set: remove one of them");
            }
        } else if (profile != null) {
            reader.check("profile", profile, () -> Profiles.byName(profile));
        }

        ApiKind api = reader.api();
        List<Integer> concurrency = reader.concurrency();
        int inputTokens = reader.integer("input-tokens", 128, 1, MAX_TOKENS);
        int outputTokens = reader.integer("output-tokens", 20, 1, MAX_TOKENS);
        Slo slo = reader.slo();
        Path out = reader.path("out", HarnessOptions.DEFAULT_OUTPUT_DIRECTORY);
        String label = reader.text("label");
        if (label == null) {
            label = defaultLabel(url, model, profile);
        } else {
            String checked = label;
            reader.check("label", label, () -> OutputLayout.of(Path.of("."), checked));
        }
        int warmup = reader.integer("warmup-iterations", 1, 0, 1000);
        int iterations = reader.integer("iterations", 2, 1, 1000);
        double seconds = reader.decimal("iteration-seconds", 2, 0.1, 3600);
        int forks = reader.integer("forks", 1, 0, 100);

        return new MainSettings(url, model, api, url == null && profile == null
                ? Profiles.FIXED : profile, concurrency, inputTokens, outputTokens, slo, out,
                label, warmup, iterations, seconds, forks);
    }

    /** Returns whether the benchmark runs against the embedded simulator. */
    public boolean simulated() {
        return url == null;
    }

    /** Returns the run folder, {@code <out>/<label>}. */
    public Path runDirectory() {
        return OutputLayout.of(outputDirectory, label).runDirectory();
    }

    /**
     * Returns the settings as {@code -Dtokenmark.name=value} JVM arguments, for the JVMs that JMH
     * forks.
     */
    public List<String> jvmArguments() {
        Map<String, String> values = new LinkedHashMap<>();
        if (url != null) {
            values.put("url", url);
        }
        if (model != null) {
            values.put("model", model);
        }
        values.put("api", api.name().toLowerCase(Locale.ROOT));
        if (profile != null) {
            values.put("profile", profile);
        }
        values.put("concurrency", String.join(",",
                concurrency.stream().map(String::valueOf).toArray(String[]::new)));
        values.put("input-tokens", Integer.toString(inputTokens));
        values.put("output-tokens", Integer.toString(outputTokens));
        if (!slo.isEmpty()) {
            values.put("slo", slo.toString());
        }
        values.put("out", outputDirectory.toAbsolutePath().toString());
        values.put("label", label);
        values.put("warmup-iterations", Integer.toString(warmupIterations));
        values.put("iterations", Integer.toString(iterations));
        values.put("iteration-seconds", BigDecimal.valueOf(iterationSeconds).toPlainString());
        values.put("forks", Integer.toString(forks));

        List<String> arguments = new ArrayList<>();
        values.forEach((name, value) -> arguments.add("-D" + PREFIX + name + "=" + value));
        return arguments;
    }

    /**
     * Returns the harness options of one concurrency: the target, a random workload of
     * {@code input-tokens} in and {@code output-tokens} out over {@value #PROMPTS} prompts, and a
     * closed loop.
     *
     * @throws IllegalArgumentException if {@code concurrency} is out of range
     */
    public HarnessOptions harnessOptions(int users) {
        Target target;
        if (url != null) {
            target = Target.server(url, model);
        } else {
            SimulatorOptions.Builder simulator = SimulatorOptions.builder()
                    .profile(Profiles.byName(profile));
            if (model != null) {
                simulator.modelName(model);
            }
            target = Target.simulator(simulator.build());
        }
        return HarnessOptions.builder()
                .target(target)
                .api(api)
                .workload(tokenizer -> RandomPromptWorkload.builder(tokenizer)
                        .api(api)
                        .inputTokens(inputTokens)
                        .outputTokens(outputTokens)
                        .prompts(PROMPTS)
                        .build())
                .closedLoop(users)
                .slo(slo)
                .outputDirectory(outputDirectory)
                .label(label)
                .build();
    }

    private static String defaultLabel(String url, String model, String profile) {
        if (url == null) {
            return profile == null ? Profiles.FIXED : profile;
        }
        String name = model.substring(model.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        return name.isEmpty() || name.equals(".") || name.equals("..") ? "server" : name;
    }

    /** Typed access to the property values, with errors that name the property. */
    private static final class Reader {
        private final Map<String, String> values;

        Reader(Map<String, String> values) {
            this.values = values;
        }

        String text(String name) {
            String value = values.get(name);
            return value == null || value.isBlank() ? null : value.strip();
        }

        <T> T check(String name, String value, java.util.function.Supplier<T> parse) {
            try {
                return parse.get();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid " + PREFIX + name + " '" + value
                        + "': " + e.getMessage(), e);
            }
        }

        ApiKind api() {
            String value = text("api");
            if (value == null) {
                return ApiKind.CHAT;
            }
            try {
                return ApiKind.parse(value);
            } catch (IllegalArgumentException e) {
                throw invalid("api", value, "use chat or completions");
            }
        }

        List<Integer> concurrency() {
            String value = text("concurrency");
            if (value == null) {
                return List.of(1, 4, 16);
            }
            String rule = "use a comma-separated list of integers from 1 to " + LoadPoint.MAX_USERS
                    + ", such as 1,4,16";
            Set<Integer> levels = new LinkedHashSet<>();
            for (String part : value.split(",", -1)) {
                int level;
                try {
                    level = Integer.parseInt(part.strip());
                } catch (NumberFormatException e) {
                    throw invalid("concurrency", value, rule);
                }
                if (level < 1 || level > LoadPoint.MAX_USERS) {
                    throw invalid("concurrency", value, level + " is out of range; " + rule);
                }
                if (!levels.add(level)) {
                    throw invalid("concurrency", value, level + " appears twice; list each"
                            + " concurrency once");
                }
            }
            return Collections.unmodifiableList(new ArrayList<>(levels));
        }

        int integer(String name, int absent, int min, int max) {
            String value = text(name);
            if (value == null) {
                return absent;
            }
            long parsed;
            try {
                parsed = Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw invalid(name, value, "use an integer from " + min + " to " + max);
            }
            if (parsed < min || parsed > max) {
                throw invalid(name, value, "use an integer from " + min + " to " + max);
            }
            return (int) parsed;
        }

        double decimal(String name, double absent, double min, double max) {
            String value = text(name);
            if (value == null) {
                return absent;
            }
            double parsed;
            try {
                parsed = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw invalid(name, value, "use a number from " + min + " to " + max);
            }
            if (!(parsed >= min && parsed <= max)) {
                throw invalid(name, value, "use a number from " + min + " to " + max);
            }
            return parsed;
        }

        Slo slo() {
            String value = text("slo");
            return value == null ? Slo.none() : check("slo", value, () -> Slo.parse(value));
        }

        Path path(String name, Path absent) {
            String value = text(name);
            if (value == null) {
                return absent;
            }
            try {
                return Path.of(value);
            } catch (InvalidPathException e) {
                throw invalid(name, value, "use a folder path, such as target/tokenmark ("
                        + e.getReason() + ")");
            }
        }

        private static IllegalArgumentException invalid(String name, String value, String rule) {
            return new IllegalArgumentException(
                    "invalid " + PREFIX + name + " '" + value + "': " + rule);
        }
    }
}
