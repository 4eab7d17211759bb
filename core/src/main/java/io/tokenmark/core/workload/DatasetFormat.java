package io.tokenmark.core.workload;

import java.util.Locale;

/** The dataset file formats {@link DatasetWorkload} reads. */
public enum DatasetFormat {
    /** JSON Lines: one object per line with {@code prompt} or {@code messages}, optionally {@code max_tokens}. */
    JSONL,
    /** ShareGPT: one JSON array of {@code {"conversations": [...]}} entries. */
    SHAREGPT,
    /** Plain text: one prompt per line. */
    LINES;

    /** Returns the lower-case name used on the command line, such as {@code sharegpt}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
