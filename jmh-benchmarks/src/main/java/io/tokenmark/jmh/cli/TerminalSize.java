package io.tokenmark.jmh.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the width of the terminal the command runs in, so a redrawn progress line does not wrap.
 * Java has no call for it, and shells rarely export {@code COLUMNS}, so it runs
 * {@code stty size} on {@code /dev/tty} (POSIX systems).
 */
final class TerminalSize {
    /** Width assumed when it cannot be found: the VT100's 80 columns. */
    static final int DEFAULT_COLUMNS = 80;

    private static final Logger LOG = LoggerFactory.getLogger(TerminalSize.class);
    private static final int MIN_COLUMNS = 20;

    private TerminalSize() {
    }

    /** Returns {@code COLUMNS} when exported, else the width {@code stty} reports, else 80. */
    static int columns(Map<String, String> environment) {
        Integer exported = parse(environment.get("COLUMNS"));
        if (exported != null) {
            return exported;
        }
        try {
            Process stty = new ProcessBuilder("sh", "-c", "stty size < /dev/tty")
                    .redirectErrorStream(true).start();
            if (!stty.waitFor(2, TimeUnit.SECONDS)) {
                stty.destroyForcibly();
                return DEFAULT_COLUMNS;
            }
            String output = new String(stty.getInputStream().readAllBytes(),
                    StandardCharsets.US_ASCII).strip();
            String[] rowsAndColumns = output.split("\\s+");
            Integer columns = rowsAndColumns.length == 2 ? parse(rowsAndColumns[1]) : null;
            return columns != null ? columns : DEFAULT_COLUMNS;
        } catch (IOException e) {
            LOG.debug("stty size failed; assuming {} columns", DEFAULT_COLUMNS, e);
            return DEFAULT_COLUMNS;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DEFAULT_COLUMNS;
        }
    }

    private static Integer parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            int columns = Integer.parseInt(text.strip());
            return columns >= MIN_COLUMNS ? columns : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
