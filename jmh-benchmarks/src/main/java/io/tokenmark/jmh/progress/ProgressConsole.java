package io.tokenmark.jmh.progress;

import java.io.PrintWriter;
import java.util.Objects;

/**
 * The console a run prints to: progress lines and blocks of text such as a point's table, kept
 * apart so that neither corrupts the other.
 *
 * <ul>
 *   <li>{@link #terminal}: the progress line is redrawn in place with a carriage return and the
 *       ANSI sequence that erases the rest of the line ({@code ESC [ K}); printing a block first
 *       erases the line.</li>
 *   <li>{@link #plain}: each progress line is printed on its own line, for logs and pipes.</li>
 *   <li>{@link #off}: progress is not printed; blocks are.</li>
 * </ul>
 *
 * <p>Thread-safe: the progress thread and the harness thread print through one lock.
 */
public final class ProgressConsole {
    /** Carriage return, then erase to the end of the line. */
    static final String ERASE_LINE = "\r\u001b[K";

    private enum Mode { TERMINAL, PLAIN, OFF }

    private final PrintWriter out;
    private final Mode mode;
    private final int width;
    private boolean lineDrawn;

    private ProgressConsole(PrintWriter out, Mode mode, int width) {
        this.out = Objects.requireNonNull(out, "out");
        this.mode = mode;
        this.width = width;
    }

    /**
     * Returns a console that redraws the progress line in place; for interactive terminals.
     * Lines are cut to {@code width − 1} characters, because a line that wraps cannot be
     * redrawn with a carriage return.
     *
     * @param width the terminal's columns, such as the {@code COLUMNS} variable; at least 20
     * @throws IllegalArgumentException if {@code width} is below 20
     */
    public static ProgressConsole terminal(PrintWriter out, int width) {
        if (width < 20) {
            throw new IllegalArgumentException(
                    "invalid terminal width " + width + ": must be at least 20 columns");
        }
        return new ProgressConsole(out, Mode.TERMINAL, width);
    }

    /** Returns a console that prints every progress line on a line of its own. */
    public static ProgressConsole plain(PrintWriter out) {
        return new ProgressConsole(out, Mode.PLAIN, Integer.MAX_VALUE);
    }

    /** Returns a console that prints no progress. */
    public static ProgressConsole off(PrintWriter out) {
        return new ProgressConsole(out, Mode.OFF, Integer.MAX_VALUE);
    }

    /** Returns whether progress lines are redrawn in place. */
    public boolean redrawsInPlace() {
        return mode == Mode.TERMINAL;
    }

    /** Returns whether progress lines are printed at all. */
    public boolean showsProgress() {
        return mode != Mode.OFF;
    }

    /** Shows a progress line, replacing the previous one on a terminal. */
    public synchronized void showProgress(String line) {
        switch (mode) {
            case TERMINAL:
                out.print('\r');
                out.print(line.length() < width ? line : line.substring(0, width - 1));
                out.print("\u001b[K");
                lineDrawn = true;
                break;
            case PLAIN:
                out.println(line);
                break;
            default:
                return;
        }
        out.flush();
    }

    /** Erases the progress line on a terminal; does nothing otherwise. */
    public synchronized void clearProgress() {
        if (lineDrawn) {
            out.print(ERASE_LINE);
            out.flush();
            lineDrawn = false;
        }
    }

    /** Prints a block of text, such as a point's table, after erasing the progress line. */
    public synchronized void print(String text) {
        clearProgress();
        out.print(text);
        out.flush();
    }

    /** Prints a line of text after erasing the progress line. */
    public synchronized void println(String line) {
        print(line + System.lineSeparator());
    }
}
