package io.tokenmark.core.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenmark.core.metric.Summary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the summary of each sweep point as the point ends: {@code summary-<point>.json}, then
 * {@code summary.json} with every point written so far. Each file is written to a temporary
 * file and renamed over the old one, so a crash leaves the previous version, never half a file.
 *
 * <p>A point written again under the same label (a resumed run repeating a point that was
 * stopped early) replaces the earlier version in {@code summary.json}, in its old position.
 *
 * <p><b>Threading:</b> thread-safe; {@link #write} calls are serialized. Each call does blocking
 * file I/O, so call it from the harness thread, not from an I/O thread.
 */
public final class SummaryWriter {
    private static final Logger LOG = LoggerFactory.getLogger(SummaryWriter.class);

    /** The {@code schema} value of {@code summary.json}. */
    public static final String RUN_SCHEMA = "tokenmark-run-summary";

    private final OutputLayout layout;
    private final String runLabel;
    private final List<Summary> points = new ArrayList<>();

    private SummaryWriter(OutputLayout layout, String runLabel, List<Summary> existing) {
        this.layout = layout;
        this.runLabel = runLabel;
        this.points.addAll(existing);
    }

    /**
     * Opens the writer of a run folder, creating the folder when needed. When the folder already
     * has a {@code summary.json} (a resumed run), its points are kept and later points are added
     * after them.
     *
     * @param layout the run's files
     * @param runLabel the run label written into {@code summary.json}
     * @throws UncheckedIOException if the folder cannot be created or the existing
     *     {@code summary.json} cannot be read
     * @throws IllegalArgumentException if the existing {@code summary.json} is not a valid run
     *     summary
     */
    public static SummaryWriter open(OutputLayout layout, String runLabel) {
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(runLabel, "runLabel");
        try {
            Files.createDirectories(layout.runDirectory());
        } catch (IOException e) {
            throw new UncheckedIOException("failed to create the run folder "
                    + layout.runDirectory() + ": " + e.getMessage(), e);
        }
        List<Summary> existing = Files.exists(layout.runSummaryFile())
                ? SummaryReader.readRunSummary(layout.runSummaryFile())
                : List.of();
        return new SummaryWriter(layout, runLabel, existing);
    }

    /**
     * Writes the point's file and rewrites {@code summary.json}.
     *
     * @return the path of the point's file
     * @throws UncheckedIOException if a file cannot be written; the previous files stay intact
     */
    public synchronized Path write(Summary summary) {
        Objects.requireNonNull(summary, "summary");
        Path pointFile = layout.pointSummaryFile(summary.load().label());
        JsonSupport.writeAtomically(pointFile, SummaryJson.write(summary));

        replaceOrAdd(summary);
        ObjectNode run = JsonSupport.MAPPER.createObjectNode();
        run.put("schema", RUN_SCHEMA);
        run.put("schema_version", SummaryJson.SCHEMA_VERSION);
        run.put("label", runLabel);
        ArrayNode array = run.putArray("points");
        for (Summary point : points) {
            array.add(SummaryJson.write(point));
        }
        JsonSupport.writeAtomically(layout.runSummaryFile(), run);

        LOG.info("Wrote summary of point {} ({} requests, {} failed) to {}",
                summary.load().label(), summary.totalRequests(), summary.failedRequests(),
                pointFile);
        return pointFile;
    }

    /** Returns the points written so far, including those of a resumed run, in order. */
    public synchronized List<Summary> points() {
        return List.copyOf(points);
    }

    private void replaceOrAdd(Summary summary) {
        String label = summary.load().label();
        for (int i = 0; i < points.size(); i++) {
            if (points.get(i).load().label().equals(label)) {
                points.set(i, summary);
                return;
            }
        }
        points.add(summary);
    }
}
