package io.tokenmark.core.metric;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The sentences every report prints beside a summary's figures: what the numbers do not show.
 * The first sentence is always {@link #MEASURED_AT_CLIENT}; the others depend on the point.
 */
public final class Caveats {
    /** The reminder every report carries. */
    public static final String MEASURED_AT_CLIENT = "Figures are measured at the client: they"
            + " include the network and the client's own processing, so compare runs made from"
            + " the same client host and network.";

    /**
     * Fewest successful requests for a per-request p99 that is not simply the maximum: with
     * fewer than 100 samples, rank ⌈0.99 n⌉ is n.
     */
    public static final int MIN_REQUESTS_FOR_P99 = 100;

    /** Fewest successful requests for a per-request p99.9 that is not simply the maximum. */
    public static final int MIN_REQUESTS_FOR_P999 = 1000;

    private Caveats() {
    }

    /** Returns the caveats of {@code summary}, whose context the harness described. */
    static List<String> describe(Summary summary, SummaryContext context) {
        List<String> caveats = new ArrayList<>();
        caveats.add(MEASURED_AT_CLIENT);

        if (context.targetSharesHost()) {
            caveats.add("The server ran on the client's host (for example the embedded"
                    + " simulator), so both competed for the same CPU cores.");
        }
        if (!summary.complete()) {
            caveats.add("The point was stopped before it finished: its figures cover only the"
                    + " requests that ended.");
        }
        describeSampleSize(summary, caveats);
        describeFailures(summary, caveats);
        describeTokenSources(summary, caveats);
        for (String reason : summary.clientHealth().clientBoundReasons()) {
            caveats.add("Client-bound: " + reason + ".");
        }
        return caveats;
    }

    private static void describeSampleSize(Summary summary, List<String> caveats) {
        long succeeded = summary.succeededRequests();
        if (succeeded == 0) {
            caveats.add("No request succeeded, so there are no latency or throughput figures.");
        } else if (succeeded < MIN_REQUESTS_FOR_P99) {
            caveats.add("Only " + succeeded + " requests succeeded, so the per-request p99 and"
                    + " p99.9 equal the maximum and vary from run to run.");
        } else if (succeeded < MIN_REQUESTS_FOR_P999) {
            caveats.add("Only " + succeeded + " requests succeeded, so the per-request p99.9"
                    + " equals the maximum.");
        }
    }

    private static void describeFailures(Summary summary, List<String> caveats) {
        if (summary.failedRequests() == 0) {
            return;
        }
        String byError = summary.failuresByError().entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining(", "));
        caveats.add(summary.failedRequests() + " of " + summary.totalRequests()
                + " requests failed (" + byError + "); latencies and throughputs cover the"
                + " successful requests only.");
    }

    private static void describeTokenSources(Summary summary, List<String> caveats) {
        Map<TokenCountSource, Long> output = summary.outputTokenSources();
        long byEvents = output.getOrDefault(TokenCountSource.EVENT_COUNT, 0L);
        long byTokenizer = output.getOrDefault(TokenCountSource.TOKENIZER, 0L);
        long unknown = output.getOrDefault(TokenCountSource.UNKNOWN, 0L);
        if (byEvents > 0) {
            caveats.add("The server reported no output token count for " + byEvents
                    + " requests, so each token event counted as one token; this is exact only"
                    + " when every event carries one token.");
        }
        if (byTokenizer > 0) {
            caveats.add("Output tokens of " + byTokenizer + " requests were counted by the"
                    + " tokenizer, which can differ from the server's own count.");
        }
        if (unknown > 0) {
            caveats.add("Output tokens of " + unknown + " requests are unknown and count as 0.");
        }
        if (summary.inputTokensUnknown() > 0) {
            caveats.add("Input tokens of " + summary.inputTokensUnknown() + " requests are"
                    + " unknown and count as 0 in the total token throughput.");
        }
    }
}
