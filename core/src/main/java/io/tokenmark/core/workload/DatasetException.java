package io.tokenmark.core.workload;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A dataset file that cannot be used: missing, unreadable, empty, not UTF-8, or holding a record
 * that does not have the expected shape. The message has the form {@code file:line: problem:
 * fix} (without the line when the problem is the whole file), as compilers report errors.
 */
public final class DatasetException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int lineNumber;

    /**
     * @param file the dataset file
     * @param lineNumber the line the problem is on, from 1, or 0 when it concerns the whole file
     * @param message what is wrong and what to do about it
     */
    public DatasetException(Path file, int lineNumber, String message) {
        this(file, lineNumber, message, null);
    }

    public DatasetException(Path file, int lineNumber, String message, Throwable cause) {
        super(location(file, lineNumber) + ": " + message, cause);
        this.file = Objects.requireNonNull(file, "file");
        this.lineNumber = lineNumber;
    }

    private static String location(Path file, int lineNumber) {
        return lineNumber > 0 ? file + ":" + lineNumber : file.toString();
    }

    /** Returns the dataset file. */
    public Path file() {
        return file;
    }

    /** Returns the line the problem is on, from 1, or 0 when it concerns the whole file. */
    public int lineNumber() {
        return lineNumber;
    }
}
