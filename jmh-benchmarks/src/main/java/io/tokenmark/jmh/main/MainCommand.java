package io.tokenmark.jmh.main;

import io.tokenmark.core.client.ApiKey;
import io.tokenmark.core.report.ConsoleTable;
import io.tokenmark.core.report.OutputLayout;
import io.tokenmark.core.report.SummaryReader;
import io.tokenmark.jmh.TokenMarkProfiler;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The main command, {@code mvn -B -pl jmh-benchmarks -am verify}: runs {@link DefaultBenchmark}
 * at every concurrency of the {@code tokenmark.*} properties with JMH (fail-on-error on, the
 * {@link TokenMarkProfiler} enabled) and writes into {@code <out>/<label>}: {@code run.json},
 * {@code requests.jsonl}, one {@code summary-c<N>.json} per concurrency, {@code summary.json}
 * and JMH's own {@code jmh-result.json}. After JMH's output it prints each concurrency's
 * evalscope-style table, read back from its summary file.
 *
 * <p>Exit status: 0 when the benchmark ran, 1 when JMH reported a failure (including a
 * concurrency whose every request failed), 2 for an invalid property.
 */
public final class MainCommand {
    /** Exit status of an invalid property. */
    static final int EXIT_USAGE = 2;
    /** Exit status of a failed benchmark. */
    static final int EXIT_FAILED = 1;

    private MainCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(System.out, System.err));
    }

    /** Runs the main command and returns its exit status. */
    static int run(PrintStream out, PrintStream err) {
        MainSettings settings;
        try {
            settings = MainSettings.fromSystemProperties();
        } catch (IllegalArgumentException e) {
            err.println("tokenmark: " + e.getMessage());
            return EXIT_USAGE;
        }

        Path runDirectory = settings.runDirectory();
        out.println("TokenMark: " + target(settings) + ", concurrency " + settings.concurrency()
                + ", results in " + runDirectory.toAbsolutePath());
        try {
            Files.createDirectories(runDirectory);
            Collection<RunResult> results = new Runner(jmhOptions(settings)).run();
            if (results.isEmpty()) {
                err.println("tokenmark: JMH ran no benchmark");
                return EXIT_FAILED;
            }
        } catch (RunnerException e) {
            err.println("tokenmark: the benchmark failed: " + e.getMessage());
            if (String.valueOf(e.getMessage()).contains("JMH lock")) {
                err.println("tokenmark: another JMH run on this machine holds the lock; wait for"
                        + " it to end, or add -Djmh.ignoreLock=true to run both at once (both"
                        + " then share the CPUs, which skews their figures)");
            }
            return EXIT_FAILED;
        } catch (IOException e) {
            err.println("tokenmark: cannot create " + runDirectory + ": " + e.getMessage());
            return EXIT_FAILED;
        }

        printTables(settings, out, err);
        out.println("TokenMark results in " + runDirectory.toAbsolutePath() + ":");
        for (Path file : resultFiles(runDirectory)) {
            out.println("  " + file.getFileName());
        }
        return 0;
    }

    /** Returns the JMH options of the main command's run. */
    static Options jmhOptions(MainSettings settings) {
        String[] levels = settings.concurrency().stream().map(String::valueOf).toArray(String[]::new);
        TimeValue iteration = TimeValue.milliseconds(Math.round(settings.iterationSeconds() * 1000));
        return new OptionsBuilder()
                .include("^" + Pattern.quote(DefaultBenchmark.class.getName()) + "\\.")
                .param("concurrency", levels)
                .warmupIterations(settings.warmupIterations())
                .warmupTime(iteration)
                .measurementIterations(settings.iterations())
                .measurementTime(iteration)
                .forks(settings.forks())
                .shouldFailOnError(true)
                .addProfiler(TokenMarkProfiler.class)
                .jvmArgsAppend(forkArguments(settings))
                .resultFormat(ResultFormatType.JSON)
                .result(settings.runDirectory().resolve("jmh-result.json").toString())
                .build();
    }

    /**
     * Returns the forked JVMs' arguments: the settings, and TokenMark's own log lines limited to
     * warnings, because the host prints every table at the end and JMH prints progress. The
     * tokenizer library (DJL) logs errors only: it warns that it found no CUDA driver, which no
     * part of TokenMark needs.
     */
    private static String[] forkArguments(MainSettings settings) {
        List<String> arguments = new ArrayList<>(settings.jvmArguments());
        arguments.add("-Dorg.slf4j.simpleLogger.log.io.tokenmark=warn");
        arguments.add("-Dorg.slf4j.simpleLogger.log.ai.djl=error");
        return arguments.toArray(String[]::new);
    }

    /**
     * Prints each concurrency's evalscope-style table from its summary file, after JMH's own
     * output, so the tables stand together at the end of the log.
     */
    private static void printTables(MainSettings settings, PrintStream out, PrintStream err) {
        OutputLayout layout = OutputLayout.ofRunDirectory(settings.runDirectory());
        for (int concurrency : settings.concurrency()) {
            Path file = layout.pointSummaryFile("c" + concurrency);
            if (!Files.isRegularFile(file)) {
                err.println("tokenmark: no summary for concurrency " + concurrency + " in " + file);
                continue;
            }
            out.println();
            out.print(ConsoleTable.format(SummaryReader.readPoint(file)));
        }
        out.println();
    }

    private static String target(MainSettings settings) {
        String key = ApiKey.fromEnvironment(System.getenv()).isPresent()
                ? ", API key from the environment" : "";
        if (settings.simulated()) {
            return "embedded simulator, profile " + settings.profile();
        }
        return settings.url() + ", model " + settings.model() + key;
    }

    private static List<Path> resultFiles(Path runDirectory) {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(runDirectory)) {
            stream.forEach(files::add);
        } catch (IOException e) {
            return files;
        }
        files.sort(null);
        files.removeIf(file -> !Files.isRegularFile(file));
        return files;
    }
}
