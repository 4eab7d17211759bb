package io.tokenmark.jmh.perf;

import java.util.function.Function;

/** The first steps of every benchmark's {@code main}: quiet logging and validated settings. */
final class PerfMain {
    private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    private PerfMain() {
    }

    /**
     * Sets slf4j-simple to print warnings and errors only, unless the caller chose a level with
     * {@code -Dorg.slf4j.simpleLogger.defaultLogLevel}, then parses the settings. On an invalid
     * argument it prints the message and exits with status 2.
     */
    static <S> S settings(String benchmark, String[] args, Function<String[], S> parser) {
        if (System.getProperty(LOG_LEVEL) == null) {
            System.setProperty(LOG_LEVEL, "warn");
        }
        try {
            return parser.apply(args);
        } catch (IllegalArgumentException e) {
            System.err.println(benchmark + ": " + e.getMessage());
            System.exit(2);
            throw e;
        }
    }
}
