package io.tokenmark.core.report;

import io.tokenmark.core.client.ApiKey;
import io.tokenmark.core.metric.RequestRecord;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends one line to {@code requests.jsonl} per measured request, and flushes it, as each
 * request ends; a crash therefore keeps every finished request. Warm-up records are skipped. The
 * line's keys are those of {@link RequestLogEntry}.
 *
 * <p><b>Secrets:</b> no record field contains an API key. As a second guard, a writer given the
 * run's key replaces any occurrence of it in the written text (error messages quote servers)
 * with {@code [redacted]}.
 *
 * <p><b>Errors:</b> a failed write does not stop the run. The writer logs the first failure
 * with the request id, counts the lines it lost, and {@link #close()} throws if any were lost.
 *
 * <p><b>Threading:</b> thread-safe; lines from concurrent calls never interleave. Each call
 * does a blocking write to the operating system (no {@code fsync}), which takes microseconds;
 * at very high request rates, call it from a writer thread instead of an I/O thread.
 */
public final class RequestLogWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RequestLogWriter.class);
    private static final String REDACTED = "[redacted]";

    private final Path file;
    private final long runStartNanos;
    private final String secret;
    private final BufferedWriter out;

    private long linesWritten;
    private long linesLost;
    private IOException firstError;
    private boolean closed;

    private RequestLogWriter(Path file, long runStartNanos, ApiKey apiKey, BufferedWriter out) {
        this.file = file;
        this.runStartNanos = runStartNanos;
        this.secret = apiKey == null ? null : apiKey.reveal();
        this.out = out;
    }

    /**
     * Opens {@code file} for appending, creating it and its folder when needed.
     *
     * @param file the {@code requests.jsonl} to append to
     * @param runStartNanos the run's start ({@code System.nanoTime()}); times are written
     *     relative to it
     * @param apiKey the run's API key to redact from written text, or {@code null}
     * @throws UncheckedIOException if the file cannot be opened
     */
    public static RequestLogWriter open(Path file, long runStartNanos, ApiKey apiKey) {
        Objects.requireNonNull(file, "file");
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return new RequestLogWriter(file, runStartNanos, apiKey, out);
        } catch (IOException e) {
            throw new UncheckedIOException("failed to open " + file + ": " + e.getMessage(), e);
        }
    }

    /** Opens {@code file} without a key to redact; see {@link #open(Path, long, ApiKey)}. */
    public static RequestLogWriter open(Path file, long runStartNanos) {
        return open(file, runStartNanos, null);
    }

    /**
     * Appends the line of {@code record} and flushes it; does nothing for a warm-up record.
     *
     * @param point the sweep point's label
     * @throws IllegalStateException if the writer is closed
     */
    public void write(String point, RequestRecord record) {
        if (record.warmup()) {
            return;
        }
        write(RequestLogEntry.of(point, record, runStartNanos));
    }

    /**
     * Appends {@code entry} as one line and flushes it.
     *
     * @throws IllegalStateException if the writer is closed
     */
    public synchronized void write(RequestLogEntry entry) {
        if (closed) {
            throw new IllegalStateException("request log " + file + " is closed");
        }
        try {
            String line = JsonSupport.MAPPER.writeValueAsString(entry.toJson());
            if (secret != null) {
                line = line.replace(secret, REDACTED);
            }
            out.write(line);
            out.write('\n');
            out.flush();
            linesWritten++;
        } catch (IOException e) {
            linesLost++;
            if (firstError == null) {
                firstError = e;
                LOG.error("Failed to write request {} to {}; later failures are counted, not"
                        + " logged", entry.requestId(), file, e);
            }
        }
    }

    /** Returns the lines written so far. */
    public synchronized long linesWritten() {
        return linesWritten;
    }

    /** Returns the lines that could not be written. */
    public synchronized long linesLost() {
        return linesLost;
    }

    /**
     * Flushes and closes the file. Idempotent.
     *
     * @throws UncheckedIOException if closing failed, or if any line could not be written
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("failed to close " + file + ": " + e.getMessage(), e);
        }
        if (linesLost > 0) {
            throw new UncheckedIOException(linesLost + " request lines could not be written to "
                    + file + " (first error: " + firstError.getMessage() + ")", firstError);
        }
    }
}
