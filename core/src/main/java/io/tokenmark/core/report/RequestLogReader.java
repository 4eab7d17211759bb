package io.tokenmark.core.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the lines of a {@code requests.jsonl} written by {@link RequestLogWriter}.
 *
 * <p>A crash can cut the last line short, so a last line that is not complete JSON is skipped
 * and logged. An invalid line anywhere else is an error: the file is then not a TokenMark
 * request log.
 */
public final class RequestLogReader {
    private static final Logger LOG = LoggerFactory.getLogger(RequestLogReader.class);

    private RequestLogReader() {
    }

    /**
     * Returns every entry of {@code file} in file order.
     *
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException naming the file and line number of an invalid line
     *     other than a cut-off last line
     */
    public static List<RequestLogEntry> read(Path file) {
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("failed to read " + file + ": " + e.getMessage(), e);
        }

        List<RequestLogEntry> entries = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JsonSupport.MAPPER.readTree(line);
            } catch (JsonProcessingException e) {
                if (i == lines.size() - 1) {
                    LOG.warn("Skipped the last line of {} ({} characters): it is not complete"
                            + " JSON, as after a crash", file, line.length());
                    break;
                }
                throw new IllegalArgumentException("invalid JSON in " + file + " line " + (i + 1)
                        + ": " + e.getOriginalMessage(), e);
            }
            try {
                entries.add(RequestLogEntry.fromJson(node));
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new IllegalArgumentException("invalid request line in " + file + " line "
                        + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return entries;
    }
}
