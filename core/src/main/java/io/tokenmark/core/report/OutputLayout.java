package io.tokenmark.core.report;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The files of one run below the output folder, as {@code docs/output-format.md} describes:
 *
 * <pre>
 * &lt;out&gt;/&lt;label&gt;/run.json
 * &lt;out&gt;/&lt;label&gt;/requests.jsonl
 * &lt;out&gt;/&lt;label&gt;/summary-&lt;point&gt;.json
 * &lt;out&gt;/&lt;label&gt;/summary.json
 * </pre>
 *
 * Immutable; creates no files.
 */
public final class OutputLayout {
    /** The run metadata file name. */
    public static final String RUN_FILE = "run.json";
    /** The per-request log file name. */
    public static final String REQUESTS_FILE = "requests.jsonl";
    /** The file name of the summary of all points. */
    public static final String RUN_SUMMARY_FILE = "summary.json";

    private final Path runDirectory;

    private OutputLayout(Path runDirectory) {
        this.runDirectory = runDirectory;
    }

    /**
     * Returns the layout of run {@code label} below {@code outputDirectory}.
     *
     * @throws IllegalArgumentException if the label is blank or is not a plain folder name
     */
    public static OutputLayout of(Path outputDirectory, String label) {
        Objects.requireNonNull(outputDirectory, "outputDirectory");
        if (label == null || label.isBlank() || !label.equals(safeName(label))
                || label.equals(".") || label.equals("..")) {
            throw new IllegalArgumentException("invalid run label '" + label
                    + "': use letters, digits, '.', '_' and '-', such as ep8 or tp4pp2");
        }
        return new OutputLayout(outputDirectory.resolve(label));
    }

    /** Returns the layout of an existing run folder, such as one given to {@code compare}. */
    public static OutputLayout ofRunDirectory(Path runDirectory) {
        return new OutputLayout(Objects.requireNonNull(runDirectory, "runDirectory"));
    }

    /** Returns {@code <out>/<label>}. */
    public Path runDirectory() {
        return runDirectory;
    }

    public Path runFile() {
        return runDirectory.resolve(RUN_FILE);
    }

    public Path requestsFile() {
        return runDirectory.resolve(REQUESTS_FILE);
    }

    public Path runSummaryFile() {
        return runDirectory.resolve(RUN_SUMMARY_FILE);
    }

    /**
     * Returns {@code summary-<point>.json}, with characters other than letters, digits,
     * {@code .}, {@code _} and {@code -} in the point label replaced by {@code _}.
     */
    public Path pointSummaryFile(String pointLabel) {
        return runDirectory.resolve("summary-" + safeName(pointLabel) + ".json");
    }

    /** Replaces every character other than ASCII letters, digits, '.', '_' and '-' by '_'. */
    static String safeName(String label) {
        StringBuilder safe = new StringBuilder(label.length());
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
            safe.append(allowed ? c : '_');
        }
        return safe.toString();
    }
}
