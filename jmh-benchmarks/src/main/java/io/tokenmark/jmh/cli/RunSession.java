package io.tokenmark.jmh.cli;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The settings of one {@code tokenmark run} invocation that do not change what is measured, so
 * a resumed run takes them from its own command line rather than from {@code run.json}: the
 * grace period after Ctrl-C, how progress is shown, and where the API key comes from.
 *
 * @param stopGrace time requests in flight get to finish after Ctrl-C
 * @param progress how progress is shown
 * @param progressInterval time between progress lines that are not redrawn in place
 * @param apiKeyFile the file holding the API key, or {@code null} to read the environment
 * @param testRequest whether to send one unmeasured request before the sweep
 */
record RunSession(Duration stopGrace, ProgressMode progress, Duration progressInterval,
        Path apiKeyFile, boolean testRequest) {

    /** Default {@code --stop-grace}. */
    static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(5);
    static final String DEFAULT_STOP_GRACE_TEXT = "5s";
    /** Default {@code --progress-interval}. */
    static final Duration DEFAULT_PLAIN_INTERVAL = Duration.ofSeconds(10);
    static final String DEFAULT_PLAIN_INTERVAL_TEXT = "10s";
    /** Time between redraws of a progress line on a terminal. */
    static final Duration TERMINAL_INTERVAL = Duration.ofMillis(500);
    /** Maximum {@code --stop-grace}, so that a stop ends in reasonable time. */
    static final Duration MAX_STOP_GRACE = Duration.ofHours(1);

    /** The progress display mode. */
    enum ProgressMode {
        /** Redrawn in place on a terminal, plain lines otherwise. */
        AUTO,
        /** Redrawn in place. */
        TERMINAL,
        /** One line per interval. */
        PLAIN,
        /** Not shown. */
        OFF
    }

    /**
     * Validates the session flags.
     *
     * @param flags {@code --stop-grace}, {@code --progress}, {@code --progress-interval},
     *     {@code --api-key-file} and {@code --no-test-request} as given; absent ones take their
     *     defaults
     * @param terminal whether the output is a terminal, which {@code auto} follows
     * @throws UsageException naming the invalid flag value
     */
    static RunSession parse(Map<String, String> flags, boolean terminal) {
        Duration grace = DEFAULT_STOP_GRACE;
        if (flags.containsKey("--stop-grace")) {
            grace = Flags.parseDuration("--stop-grace", flags.get("--stop-grace"), true);
            if (grace.compareTo(MAX_STOP_GRACE) > 0) {
                throw UsageException.invalid("--stop-grace", flags.get("--stop-grace"),
                        "must be at most 1h");
            }
        }

        ProgressMode mode = ProgressMode.AUTO;
        if (flags.containsKey("--progress")) {
            String value = flags.get("--progress");
            try {
                mode = ProgressMode.valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw UsageException.invalid("--progress", value,
                        "use auto, terminal, plain or off");
            }
        }
        if (mode == ProgressMode.AUTO) {
            mode = terminal ? ProgressMode.TERMINAL : ProgressMode.PLAIN;
        }

        Duration interval = DEFAULT_PLAIN_INTERVAL;
        if (flags.containsKey("--progress-interval")) {
            interval = Flags.parseDuration("--progress-interval",
                    flags.get("--progress-interval"), false);
            if (interval.toMillis() < 1) {
                throw UsageException.invalid("--progress-interval",
                        flags.get("--progress-interval"), "must be at least 1ms");
            }
        }

        Path keyFile = null;
        if (flags.containsKey("--api-key-file")) {
            String value = flags.get("--api-key-file");
            try {
                keyFile = Path.of(value.strip());
            } catch (InvalidPathException e) {
                throw UsageException.invalid("--api-key-file", value, "not a valid path");
            }
            if (!Files.isRegularFile(keyFile)) {
                throw UsageException.invalid("--api-key-file", value,
                        "no such file; give a file holding the key on one line");
            }
            if (!Files.isReadable(keyFile)) {
                throw UsageException.invalid("--api-key-file", value,
                        "the file is not readable; check its permissions");
            }
        }
        boolean testRequest = !flags.containsKey("--no-test-request")
                || !Flags.parseBoolean("--no-test-request", flags.get("--no-test-request"));
        return new RunSession(grace, mode, interval, keyFile, testRequest);
    }

    /** Returns the time between progress lines for the chosen mode. */
    Duration interval() {
        return progress == ProgressMode.TERMINAL ? TERMINAL_INTERVAL : progressInterval;
    }
}
