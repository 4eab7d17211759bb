package io.tokenmark.jmh.progress;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Formats a {@link ProgressSnapshot} as one line, with the times in the bracket notation of
 * tqdm ({@code [elapsed<remaining]}) early in the line, so a terminal that cuts the line keeps
 * them:
 *
 * <pre>
 * c10  45/100 requests [0:14<0:17]  10 in flight  3.3 req/s  812 tok/s  2 errors
 * </pre>
 *
 * A point that a duration ends shows the measured requests without a total, and its remaining
 * time is what is left of the duration. An unknown estimate prints as {@code ?}, a rate not yet
 * known as {@code -}. Thread-safe: stateless.
 */
public final class ProgressLine {
    private ProgressLine() {
    }

    /** Returns the line, without a line break. */
    public static String format(ProgressSnapshot s) {
        StringBuilder line = new StringBuilder(s.point()).append("  ");
        if (s.warmingUp()) {
            line.append("warm-up ").append(s.warmupDone()).append('/').append(s.warmupTotal());
        } else if (s.total() > 0) {
            line.append(s.done()).append('/').append(s.total()).append(" requests");
        } else {
            line.append(s.done()).append(" requests");
        }
        line.append(" [").append(clock(s.elapsedNanos())).append('<')
                .append(s.etaNanos() < 0 ? "?" : clock(s.etaNanos())).append(']');
        line.append("  ").append(s.inFlight()).append(" in flight");
        line.append("  ").append(rate(s.requestsPerSecond(), 1)).append(" req/s");
        line.append("  ").append(rate(s.outputTokensPerSecond(), 0)).append(" tok/s");
        line.append("  ").append(s.failed()).append(s.failed() == 1 ? " error" : " errors");
        return line.toString();
    }

    /** Formats a duration as {@code m:ss}, or {@code h:mm:ss} from one hour. */
    static String clock(long nanos) {
        long seconds = TimeUnit.NANOSECONDS.toSeconds(Math.max(0, nanos));
        long hours = seconds / 3600;
        long minutes = seconds / 60 % 60;
        long secs = seconds % 60;
        if (hours > 0) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", hours, minutes, secs);
        }
        return String.format(Locale.ROOT, "%d:%02d", minutes, secs);
    }

    private static String rate(double perSecond, int decimals) {
        if (!Double.isFinite(perSecond)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", perSecond);
    }
}
