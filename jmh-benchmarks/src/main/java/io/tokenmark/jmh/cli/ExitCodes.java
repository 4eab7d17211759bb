package io.tokenmark.jmh.cli;

/** The exit statuses of the {@code tokenmark} command. */
public final class ExitCodes {
    /** The command did what was asked. */
    public static final int OK = 0;
    /**
     * The command ran but failed: every measured request failed, a point failed, or a result
     * file could not be written or read.
     */
    public static final int FAILED = 1;
    /** Invalid flags or input files; nothing was measured. Picocli uses the same status. */
    public static final int USAGE = 2;
    /** Stopped by Ctrl-C (SIGINT), 128 + 2 as shells report it; finished results are on disk. */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {
    }
}
