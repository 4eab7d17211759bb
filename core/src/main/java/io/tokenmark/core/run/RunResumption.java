package io.tokenmark.core.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.report.OutputLayout;
import io.tokenmark.core.report.RunMetadata;
import io.tokenmark.core.report.SummaryReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an interrupted run left on disk, and the clean-up that lets it continue: the points whose
 * complete summaries exist are skipped, request ids continue after the highest one written, and
 * the {@code requests.jsonl} lines of points that did not complete move to
 * {@code requests.interrupted.jsonl}, so the repeated point's lines are not mixed with the cut
 * ones and nothing measured is deleted.
 */
final class RunResumption {
    /** File that receives the request lines of points that did not complete. */
    static final String INTERRUPTED_REQUESTS_FILE = "requests.interrupted.jsonl";

    private static final Logger LOG = LoggerFactory.getLogger(RunResumption.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final RunMetadata metadata;
    private final Set<String> completedPoints;
    private final long nextRequestId;

    private RunResumption(RunMetadata metadata, Set<String> completedPoints, long nextRequestId) {
        this.metadata = metadata;
        this.completedPoints = completedPoints;
        this.nextRequestId = nextRequestId;
    }

    /**
     * Reads the run folder and moves the request lines of incomplete points aside.
     *
     * @throws IllegalArgumentException if the folder contains no {@code run.json}
     * @throws UncheckedIOException if a file cannot be read or rewritten
     */
    static RunResumption prepare(OutputLayout layout) {
        Path runFile = layout.runFile();
        if (!Files.isRegularFile(runFile)) {
            throw new IllegalArgumentException("cannot resume " + layout.runDirectory()
                    + ": it contains no " + OutputLayout.RUN_FILE
                    + "; give the folder of an earlier run, or start a new run without resuming");
        }
        RunMetadata metadata = RunMetadata.read(runFile);

        Set<String> completed = new LinkedHashSet<>();
        if (Files.isRegularFile(layout.runSummaryFile())) {
            for (Summary summary : SummaryReader.readRunSummary(layout.runSummaryFile())) {
                if (summary.complete()) {
                    completed.add(summary.load().label());
                }
            }
        }

        long nextId = separateIncompletePoints(layout, completed);
        LOG.info("Resuming run {} in {}: {} complete points kept, request ids continue at {}",
                metadata.label(), layout.runDirectory(), completed.size(), nextId);
        return new RunResumption(metadata, completed, nextId);
    }

    RunMetadata metadata() {
        return metadata;
    }

    Set<String> completedPoints() {
        return completedPoints;
    }

    long nextRequestId() {
        return nextRequestId;
    }

    /**
     * Rewrites {@code requests.jsonl} with the lines of complete points only, appending the other
     * lines (and any that do not parse) to {@code requests.interrupted.jsonl}.
     *
     * @return one past the highest request id found, or 0
     */
    private static long separateIncompletePoints(OutputLayout layout, Set<String> completed) {
        Path requests = layout.requestsFile();
        if (!Files.isRegularFile(requests)) {
            return 0;
        }
        List<String> kept = new ArrayList<>();
        List<String> moved = new ArrayList<>();
        long maxId = -1;
        try {
            for (String line : Files.readAllLines(requests, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = parseOrNull(line);
                if (node != null && node.path("request_id").isIntegralNumber()) {
                    maxId = Math.max(maxId, node.get("request_id").asLong());
                }
                if (node != null && completed.contains(node.path("point").asText())) {
                    kept.add(line);
                } else {
                    moved.add(line);
                }
            }
            if (!moved.isEmpty()) {
                Path interrupted = layout.runDirectory().resolve(INTERRUPTED_REQUESTS_FILE);
                Files.write(interrupted, moved, StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                Path temporary = requests.resolveSibling(requests.getFileName() + ".tmp");
                try (BufferedWriter out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                    for (String line : kept) {
                        out.write(line);
                        out.newLine();
                    }
                }
                Files.move(temporary, requests, StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
                LOG.info("Moved {} request lines of incomplete points to {}", moved.size(),
                        interrupted);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("failed to prepare " + requests + " for resuming: "
                    + e.getMessage(), e);
        }
        return maxId + 1;
    }

    private static JsonNode parseOrNull(String line) {
        try {
            return MAPPER.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }
}
