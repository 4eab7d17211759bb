package io.tokenmark.core.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenmark.core.metric.Summary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads summaries written by {@link SummaryWriter} back into {@link Summary} objects, for the
 * {@code compare} and {@code report} commands and for resuming a run. Every figure is computed
 * again from the stored histograms and counts, so a summary read back equals the one written.
 *
 * <p>Thread-safe: stateless.
 */
public final class SummaryReader {
    private SummaryReader() {
    }

    /**
     * Reads one {@code summary-<point>.json}.
     *
     * @throws UncheckedIOException if the file cannot be read or is not JSON
     * @throws IllegalArgumentException naming the file when it is not a valid point summary
     */
    public static Summary readPoint(Path file) {
        JsonNode root = readJson(file);
        try {
            return SummaryJson.read(root);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException("invalid summary file " + file + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Reads the points of a {@code summary.json}, in the order they ran.
     *
     * @throws UncheckedIOException if the file cannot be read or is not JSON
     * @throws IllegalArgumentException naming the file when it is not a valid run summary
     */
    public static List<Summary> readRunSummary(Path file) {
        JsonNode root = readJson(file);
        String schema = JsonSupport.readTextOrNull(root, "schema");
        if (!SummaryWriter.RUN_SCHEMA.equals(schema)) {
            throw new IllegalArgumentException("invalid run summary " + file + ": schema is '"
                    + schema + "', expected '" + SummaryWriter.RUN_SCHEMA + "'");
        }
        JsonNode points = root.get("points");
        if (points == null || !points.isArray()) {
            throw new IllegalArgumentException("invalid run summary " + file
                    + ": 'points' is missing or not an array");
        }
        List<Summary> summaries = new ArrayList<>();
        for (JsonNode point : points) {
            try {
                summaries.add(SummaryJson.read(point));
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new IllegalArgumentException("invalid run summary " + file + ", point "
                        + summaries.size() + ": " + e.getMessage(), e);
            }
        }
        return summaries;
    }

    /**
     * Reads the finished points of a run folder: from {@code summary.json} when it exists, else
     * from the {@code summary-*.json} files, ordered by when each point started.
     *
     * @throws UncheckedIOException if the folder or a file cannot be read
     * @throws IllegalArgumentException if the folder has no summary, or a file is invalid
     */
    public static List<Summary> readRunDirectory(Path runDirectory) {
        OutputLayout layout = OutputLayout.ofRunDirectory(runDirectory);
        if (Files.exists(layout.runSummaryFile())) {
            return readRunSummary(layout.runSummaryFile());
        }

        List<Summary> summaries = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(runDirectory, "summary-*.json")) {
            for (Path file : files) {
                summaries.add(readPoint(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("failed to list " + runDirectory + ": "
                    + e.getMessage(), e);
        }
        if (summaries.isEmpty()) {
            throw new IllegalArgumentException("no summary in " + runDirectory
                    + ": expected summary.json or summary-<point>.json from a TokenMark run");
        }
        summaries.sort(Comparator.comparingDouble(Summary::windowStartMillis));
        return summaries;
    }

    private static JsonNode readJson(Path file) {
        try {
            return JsonSupport.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("failed to read " + file + ": " + e.getMessage(), e);
        }
    }
}
