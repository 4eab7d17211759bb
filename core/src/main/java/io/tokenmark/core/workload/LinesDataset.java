package io.tokenmark.core.workload;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a plain text dataset: each non-blank line is one prompt, sent as it is (a trailing CR is
 * dropped). Blank lines are skipped.
 */
final class LinesDataset {
    private LinesDataset() {
    }

    /**
     * Reads every prompt.
     *
     * @throws DatasetException if the file is missing, unreadable, not UTF-8 (naming the line),
     *     or has no non-blank line
     */
    static List<DatasetRecord> read(Path file) {
        List<DatasetRecord> records = new ArrayList<>();
        DatasetLines.forEachLine(file, (lineNumber, line) -> {
            if (!line.isBlank()) {
                records.add(new DatasetRecord(records.size(), lineNumber, null, line, -1, null));
            }
        });
        if (records.isEmpty()) {
            throw new DatasetException(file, 0, "no prompts, the file is empty or blank: "
                    + "write one prompt per line");
        }
        return records;
    }
}
