package io.tokenmark.jmh;

import io.tokenmark.core.report.OutputLayout;
import io.tokenmark.core.report.RunMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run folder shared by the trials of one JMH invocation: each trial (one {@code @Param}
 * combination in one fork) adds its point's summary and request lines to the same
 * {@code <out>/<label>} folder.
 *
 * <p>A JMH invocation is identified by the host JVM's process id and start time, which every
 * forked JVM can read from its parent. A folder holding a run of another invocation is cleared
 * first: its {@code run.json}, {@code requests.jsonl}, {@code summary*.json} and
 * {@code jmh-result.json} are deleted, so a new invocation replaces the old results as JMH
 * replaces its own result file. Other files are left alone.
 *
 * <p>A point label already written in this invocation (a second fork of the same
 * {@code @Param} combination, or two benchmarks with the same label) gets a suffix: {@code c16-2},
 * {@code c16-3}.
 *
 * <p><b>Threading:</b> not thread-safe. JMH runs the trials of one invocation one after another;
 * two invocations writing the same folder at once are not supported.
 */
final class RunFolder {
    /** {@code run.json} setting that names the JMH invocation that wrote the folder. */
    static final String SETTING_INVOCATION = "jmh_invocation";
    /** The JMH result file name that the main command writes into the run folder. */
    static final String JMH_RESULT_FILE = "jmh-result.json";

    private static final Logger LOG = LoggerFactory.getLogger(RunFolder.class);

    private final OutputLayout layout;
    private final String invocation;
    private final RunMetadata existing;

    private RunFolder(OutputLayout layout, String invocation, RunMetadata existing) {
        this.layout = layout;
        this.invocation = invocation;
        this.existing = existing;
    }

    /**
     * Opens the folder for a trial of {@code invocation}, clearing the results of another one.
     *
     * @throws UncheckedIOException if the folder cannot be created or cleared
     */
    static RunFolder open(OutputLayout layout, String invocation) {
        RunMetadata existing = readOrNull(layout.runFile());
        boolean sameInvocation = existing != null
                && invocation.equals(existing.settings().get(SETTING_INVOCATION));
        if (!sameInvocation && Files.isDirectory(layout.runDirectory())) {
            clear(layout.runDirectory());
        }
        try {
            Files.createDirectories(layout.runDirectory());
        } catch (IOException e) {
            throw new UncheckedIOException("failed to create the run folder "
                    + layout.runDirectory() + ": " + e.getMessage(), e);
        }
        return new RunFolder(layout, invocation, sameInvocation ? existing : null);
    }

    /**
     * Returns the id of the JMH invocation running this trial: the process id and start time of
     * the host JVM, which is this JVM's parent when JMH forked it.
     */
    static String invocationOf(BenchmarkParams params) {
        ProcessHandle process = ProcessHandle.current();
        if (params.getForks() > 0) {
            process = process.parent().orElse(process);
        }
        String started = process.info().startInstant().map(Instant::toString).orElse("unknown");
        return process.pid() + "@" + started;
    }

    OutputLayout layout() {
        return layout;
    }

    /** Returns {@code base}, or {@code base-2}, {@code base-3}, … when its summary exists. */
    String claimPointLabel(String base) {
        String label = base;
        for (int n = 2; Files.exists(layout.pointSummaryFile(label)); n++) {
            label = base + "-" + n;
        }
        return label;
    }

    /**
     * Writes {@code run.json} for a trial. The first trial of an invocation writes its own
     * metadata; later ones keep it and append their point to its {@code load}.
     *
     * @return what was written
     */
    RunMetadata writeMetadata(RunMetadata trial) {
        RunMetadata written;
        if (existing == null) {
            Map<String, String> settings = new LinkedHashMap<>(trial.settings());
            settings.put(SETTING_INVOCATION, invocation);
            written = new RunMetadata(trial.label(), trial.startedAt(), trial.tokenmarkVersion(),
                    trial.targetUrl(), trial.model(), trial.api(), trial.simulatorProfile(),
                    trial.workload(), trial.load(), trial.slo(), trial.host(), settings);
        } else {
            written = new RunMetadata(existing.label(), existing.startedAt(),
                    existing.tokenmarkVersion(), existing.targetUrl(), existing.model(),
                    existing.api(), existing.simulatorProfile(), existing.workload(),
                    existing.load() + "; " + trial.load(), existing.slo(), existing.host(),
                    existing.settings());
        }
        written.write(layout.runFile());
        return written;
    }

    private static RunMetadata readOrNull(Path runFile) {
        if (!Files.isRegularFile(runFile)) {
            return null;
        }
        try {
            return RunMetadata.read(runFile);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            LOG.warn("Cannot read {} ({}); treating the folder as an earlier run", runFile,
                    e.getMessage());
            return null;
        }
    }

    private static void clear(Path folder) {
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path file : files) {
                if (isResultFile(file.getFileName().toString()) && Files.isRegularFile(file)) {
                    Files.delete(file);
                    deleted++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("failed to clear the earlier run in " + folder + ": "
                    + e.getMessage(), e);
        }
        if (deleted > 0) {
            LOG.info("Replaced the earlier run in {}: deleted its {} result files", folder, deleted);
        }
    }

    private static boolean isResultFile(String name) {
        return name.equals(OutputLayout.RUN_FILE)
                || name.equals(OutputLayout.REQUESTS_FILE)
                || name.equals("requests.interrupted.jsonl")
                || name.equals(JMH_RESULT_FILE)
                || (name.startsWith("summary") && name.endsWith(".json"));
    }
}
