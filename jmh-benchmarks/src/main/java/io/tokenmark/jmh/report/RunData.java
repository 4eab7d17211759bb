package io.tokenmark.jmh.report;

import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.report.OutputLayout;
import io.tokenmark.core.report.RequestLogEntry;
import io.tokenmark.core.report.RequestLogReader;
import io.tokenmark.core.report.RunMetadata;
import io.tokenmark.core.report.SummaryReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One run folder read back for {@code compare} and {@code report}: its {@code run.json}, the
 * summaries of its finished points, and, on request, its {@code requests.jsonl}.
 *
 * <p>Immutable apart from the lazily read request log; not thread-safe.
 */
public final class RunData {
    private final Path directory;
    private final RunMetadata metadata;
    private final List<Summary> points;
    private List<RequestLogEntry> requests;

    private RunData(Path directory, RunMetadata metadata, List<Summary> points) {
        this.directory = directory;
        this.metadata = metadata;
        this.points = List.copyOf(points);
    }

    /**
     * Reads a run folder.
     *
     * @throws IllegalArgumentException naming the folder when it is missing, contains no
     *     {@code run.json} or summary, or a file is invalid
     * @throws UncheckedIOException when a file cannot be read
     */
    public static RunData load(Path directory) {
        Objects.requireNonNull(directory, "directory");
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("no such run folder: " + directory
                    + "; give a folder written by 'tokenmark run', <out>/<label>");
        }
        OutputLayout layout = OutputLayout.ofRunDirectory(directory);
        if (!Files.isRegularFile(layout.runFile())) {
            throw new IllegalArgumentException(directory + " contains no " + OutputLayout.RUN_FILE
                    + ": give a folder written by 'tokenmark run', <out>/<label>");
        }
        RunMetadata metadata = RunMetadata.read(layout.runFile());
        List<Summary> points;
        try {
            points = SummaryReader.readRunDirectory(directory);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(directory + " contains no finished point yet: "
                    + e.getMessage(), e);
        }
        return new RunData(directory, metadata, points);
    }

    /** Returns the run folder. */
    public Path directory() {
        return directory;
    }

    /** Returns the run label from {@code run.json}, such as {@code ep8}. */
    public String label() {
        return metadata.label();
    }

    public RunMetadata metadata() {
        return metadata;
    }

    /** Returns the summaries of the finished points, in the order they ran. */
    public List<Summary> points() {
        return points;
    }

    /** Returns the summary of the point labelled {@code pointLabel}, or {@code null}. */
    public Summary point(String pointLabel) {
        for (Summary summary : points) {
            if (summary.load().label().equals(pointLabel)) {
                return summary;
            }
        }
        return null;
    }

    /**
     * Returns the measured requests of {@code requests.jsonl}, read on the first call; empty when
     * the file does not exist.
     *
     * @throws IllegalArgumentException naming the line of an invalid entry
     */
    public List<RequestLogEntry> requests() {
        if (requests == null) {
            Path file = OutputLayout.ofRunDirectory(directory).requestsFile();
            requests = Files.isRegularFile(file) ? RequestLogReader.read(file) : List.of();
        }
        return requests;
    }
}
