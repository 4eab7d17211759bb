package io.tokenmark.jmh.cli;

import io.tokenmark.core.client.ApiKind;
import io.tokenmark.core.metric.Slo;
import io.tokenmark.core.report.OutputLayout;
import io.tokenmark.core.sampler.LoadPoint;
import io.tokenmark.core.sampler.Sweep;
import io.tokenmark.core.workload.WorkloadFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The validated settings of one {@code tokenmark run}: target, load, workload, limits and where
 * the results go. {@link #parse} checks every flag once, before anything is loaded or sent, and
 * throws {@link UsageException} naming the flag, the value and what is allowed.
 *
 * <p>{@link #record()} returns the settings as canonical text, which the command line stores in
 * the {@code settings} of {@code run.json}; {@link #parse} reads that map back, so
 * {@code run --resume DIR} rebuilds the same run and can tell which flags contradict it. Header
 * values and the API key are never recorded; only header names are.
 *
 * <p>Immutable.
 */
final class RunSettings {
    /** {@code settings} key that marks a {@code run.json} written by this command. */
    static final String RECORDED_BY_KEY = "recorded_by";
    /** Value of {@link #RECORDED_BY_KEY}. */
    static final String RECORDED_BY = "tokenmark run";
    /** {@code settings} key with the header names, comma-separated. */
    static final String HEADER_NAMES_KEY = "header_names";

    /** Largest request count of a point, as {@link LoadPoint} allows. */
    static final int MAX_REQUESTS = LoadPoint.MAX_REQUESTS;
    /** Distinct random prompts built at most when the count is not known in advance. */
    static final int MAX_DEFAULT_PROMPTS = 10_000;
    /** Distinct prompts of a duration-bounded closed loop, whose request count is unknown. */
    static final int DURATION_PROMPTS = 1_000;
    /** Largest token count of a prompt or an answer, as {@link WorkloadFactory} documents it. */
    static final int MAX_TOKENS = 1 << 20;
    /** Most distinct prompts, as {@link WorkloadFactory} documents it. */
    static final int MAX_PROMPTS = 1_000_000;
    /** Default measured requests per point. */
    static final int DEFAULT_NUMBER = 100;
    /** Default {@code --input-tokens} of the random dataset. */
    static final int DEFAULT_INPUT_TOKENS = 1024;
    /** Default {@code --output-tokens} of the random dataset. */
    static final int DEFAULT_OUTPUT_TOKENS = 128;
    /** Default output folder. */
    static final String DEFAULT_OUT = "tokenmark-results";

    /** The recorded flags, in the order {@link #record()} writes them. */
    static final List<String> RECORDED_FLAGS = List.of(
            "--url", "--model", "--api", "--profile", "--time-scale",
            "--concurrency", "--rate", "--burstiness", "--max-concurrency", "--number",
            "--duration", "--warmup",
            "--dataset", "--dataset-path", "--input-tokens", "--output-tokens", "--range-ratio",
            "--prefix-tokens", "--prompts", "--ignore-eos", "--tokenizer", "--seed", "--slo",
            "--connect-timeout", "--read-timeout", "--request-timeout", "--io-threads",
            "--insecure");


    final URI url;
    final String model;
    final ApiKind api;
    final String profile;
    final double timeScale;

    final int[] concurrency;
    final double[] rates;
    final double burstiness;
    final int maxConcurrency;
    final int[] number;
    final Duration duration;
    final int warmup;

    final String dataset;
    final Path datasetPath;
    final Integer inputTokens;
    final Integer outputTokens;
    final Double rangeRatio;
    final Integer prefixTokens;
    final int prompts;
    final boolean ignoreEos;
    final Path tokenizer;
    final long seed;
    final Slo slo;

    final Duration connectTimeout;
    final Duration readTimeout;
    final Duration requestTimeout;
    final int ioThreads;
    final boolean insecure;
    final Map<String, String> headers;

    final String label;
    final Path out;

    RunSettings(RunSettingsParser p) {
        url = p.url;
        model = p.model;
        api = p.api;
        profile = p.profile;
        timeScale = p.timeScale;
        concurrency = p.concurrency;
        rates = p.rates;
        burstiness = p.burstiness;
        maxConcurrency = p.maxConcurrency;
        number = p.number;
        duration = p.duration;
        warmup = p.warmup;
        dataset = p.dataset;
        datasetPath = p.datasetPath;
        inputTokens = p.inputTokens;
        outputTokens = p.outputTokens;
        rangeRatio = p.rangeRatio;
        prefixTokens = p.prefixTokens;
        prompts = p.prompts;
        ignoreEos = p.ignoreEos;
        tokenizer = p.tokenizer;
        seed = p.seed;
        slo = p.slo;
        connectTimeout = p.connectTimeout;
        readTimeout = p.readTimeout;
        requestTimeout = p.requestTimeout;
        ioThreads = p.ioThreads;
        insecure = p.insecure;
        headers = p.headers;
        label = p.label;
        out = p.out;
    }

    /**
     * Validates flag values.
     *
     * @param flags flag name (such as {@code --concurrency}) to the value given; boolean flags
     *     map to {@code true} or {@code false}. Absent flags take their defaults.
     * @param headers {@code --header} values, {@code Name: value}, in the order given
     * @param availableProcessors the default of {@code --io-threads}
     * @throws UsageException naming the first invalid flag value or combination
     */
    static RunSettings parse(Map<String, String> flags, List<String> headers,
            int availableProcessors) {
        RunSettingsParser parser = new RunSettingsParser(flags, availableProcessors);
        parser.parseTarget();
        parser.parseLoad();
        parser.parseWorkload();
        parser.parseLimits();
        parser.parseHeaders(headers);
        parser.parseDestination();
        return new RunSettings(parser);
    }

    /** Returns whether the run targets the embedded simulator rather than {@code --url}. */
    boolean embeddedSimulator() {
        return url == null;
    }

    /** Returns whether the points are open loop ({@code --rate}). */
    boolean openLoop() {
        return rates != null;
    }

    /** Returns the number of sweep points. */
    int pointCount() {
        return openLoop() ? rates.length : concurrency.length;
    }

    /** Returns the run folder, {@code <out>/<label>}. */
    OutputLayout layout() {
        return OutputLayout.of(out, label);
    }

    /**
     * Returns the sweep, one point per concurrency or rate.
     *
     * @throws UsageException if the load points reject a combination the flag checks missed
     */
    Sweep sweep() {
        List<LoadPoint> points = new ArrayList<>();
        for (int i = 0; i < pointCount(); i++) {
            LoadPoint.Builder point;
            if (openLoop()) {
                point = LoadPoint.openLoop(rates[i]).burstiness(burstiness)
                        .maxConcurrency(maxConcurrency);
            } else {
                point = LoadPoint.closedLoop(concurrency[i]);
            }
            if (duration != null) {
                point.duration(duration);
            } else {
                point.requests(number.length == 1 ? number[0] : number[i]);
            }
            point.warmupRequests(warmup);
            try {
                points.add(point.build());
            } catch (IllegalArgumentException e) {
                throw new UsageException("invalid load: " + e.getMessage());
            }
        }
        return Sweep.of(points);
    }

    /** Returns the options for {@link WorkloadFactory#create}. */
    Map<String, String> workloadOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("api", api.name().toLowerCase(Locale.ROOT));
        options.put("seed", Long.toString(seed));
        options.put("prompts", Integer.toString(prompts));
        if (outputTokens != null) {
            options.put("output-tokens", outputTokens.toString());
        }
        if (ignoreEos) {
            options.put("ignore-eos", "true");
        }
        if (dataset.equals("random")) {
            putIfSet(options, "input-tokens", inputTokens);
            putIfSet(options, "range-ratio", rangeRatio);
            putIfSet(options, "prefix-tokens", prefixTokens);
        } else {
            options.put("path", datasetPath.toString());
        }
        return options;
    }

    /** Returns the sweep as {@code run.json} describes it, such as {@code closed loop, ...}. */
    String loadDescription() {
        StringBuilder text = new StringBuilder();
        if (openLoop()) {
            text.append("open loop, rate ").append(Flags.formatList(rates)).append(" req/s");
            if (rates.length > 0 && Arrays.stream(rates).anyMatch(Double::isFinite)) {
                text.append(burstiness == 1 ? ", Poisson"
                        : ", burstiness " + Flags.formatNumber(burstiness));
            }
            if (maxConcurrency > 0) {
                text.append(", max concurrency ").append(maxConcurrency);
            }
        } else {
            text.append("closed loop, concurrency ").append(Flags.formatList(concurrency));
        }
        if (duration != null) {
            text.append(", ").append(Flags.formatDuration(duration)).append(" per point");
        } else {
            text.append(", ").append(Flags.formatList(number)).append(" requests");
            text.append(number.length == 1 && pointCount() > 1 ? " per point" : "");
        }
        if (warmup > 0) {
            text.append(" after ").append(warmup).append(" warm-up");
        }
        return text.toString();
    }

    /**
     * Returns the settings as {@code run.json} records them: each recorded flag's canonical value
     * under the flag name in snake case ({@code --time-scale} as {@code time_scale}), plus the
     * header names. Flags that do not apply are left out. It never contains a header value or a
     * key.
     */
    Map<String, String> record() {
        Map<String, String> flags = new LinkedHashMap<>();
        if (url != null) {
            flags.put("--url", url.toString());
        } else {
            flags.put("--profile", profile);
            flags.put("--time-scale", Flags.formatNumber(timeScale));
        }
        flags.put("--model", model);
        flags.put("--api", api.name().toLowerCase(Locale.ROOT));
        if (openLoop()) {
            flags.put("--rate", Flags.formatList(rates));
            flags.put("--burstiness", Flags.formatNumber(burstiness));
            if (maxConcurrency > 0) {
                flags.put("--max-concurrency", Integer.toString(maxConcurrency));
            }
        } else {
            flags.put("--concurrency", Flags.formatList(concurrency));
        }
        if (duration != null) {
            flags.put("--duration", Flags.formatDuration(duration));
        } else {
            flags.put("--number", Flags.formatList(number));
        }
        flags.put("--warmup", Integer.toString(warmup));
        flags.put("--dataset", dataset);
        if (datasetPath != null) {
            flags.put("--dataset-path", datasetPath.toString());
        }
        putIfSet(flags, "--input-tokens", inputTokens);
        putIfSet(flags, "--output-tokens", outputTokens);
        putIfSet(flags, "--range-ratio", rangeRatio);
        putIfSet(flags, "--prefix-tokens", prefixTokens);
        flags.put("--prompts", Integer.toString(prompts));
        flags.put("--ignore-eos", Boolean.toString(ignoreEos));
        flags.put("--tokenizer", tokenizer == null ? "bundled" : tokenizer.toString());
        flags.put("--seed", Long.toString(seed));
        if (!slo.isEmpty()) {
            flags.put("--slo", slo.toString());
        }
        flags.put("--connect-timeout", Flags.formatDuration(connectTimeout));
        flags.put("--read-timeout", Flags.formatDuration(readTimeout));
        flags.put("--request-timeout", Flags.formatDuration(requestTimeout));
        flags.put("--io-threads", Integer.toString(ioThreads));
        flags.put("--insecure", Boolean.toString(insecure));

        Map<String, String> record = new LinkedHashMap<>();
        record.put(RECORDED_BY_KEY, RECORDED_BY);
        flags.forEach((flag, value) -> record.put(settingsKey(flag), value));
        if (!headers.isEmpty()) {
            record.put(HEADER_NAMES_KEY, String.join(",", headers.keySet()));
        }
        return record;
    }

    /** Returns the {@code run.json} settings key of a flag: {@code --time-scale} → {@code time_scale}. */
    static String settingsKey(String flag) {
        return flag.substring(2).replace('-', '_');
    }

    private static void putIfSet(Map<String, String> map, String key, Object value) {
        if (value instanceof Double) {
            map.put(key, Flags.formatNumber((Double) value));
        } else if (value != null) {
            map.put(key, value.toString());
        }
    }
}
