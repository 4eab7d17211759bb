package io.tokenmark.jmh.cli;

/**
 * A command line that cannot run: an invalid flag value, flags that contradict each other, or an
 * input file that cannot be used. The message names the flag, the value and what is allowed, and
 * the command exits with status {@value ExitCodes#USAGE}.
 */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Returns the error for a flag value: {@code invalid --flag 'value': allowed}.
     *
     * @param allowed what the flag accepts, such as {@code give an integer from 1 to 1000}
     */
    static UsageException invalid(String flag, String value, String allowed) {
        return new UsageException("invalid " + flag + " '" + value + "': " + allowed);
    }
}
