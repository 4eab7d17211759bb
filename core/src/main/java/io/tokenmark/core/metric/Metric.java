package io.tokenmark.core.metric;

/**
 * The distributions a {@link Summary} reports, with the names used in result files.
 *
 * <p>Time metrics are recorded in nanoseconds and reported in milliseconds; token metrics are
 * recorded and reported in tokens. The definitions are those of {@link RequestRecord}.
 */
public enum Metric {
    /** Time to first token: first token event (reasoning included) − send. */
    TTFT("ttft", true),
    /** Time to first output: first token event carrying answer text − send. */
    TTFO("ttfo", true),
    /** End-to-end latency: last token event − send. */
    E2EL("e2el", true),
    /** End of stream ({@code [DONE]} or close) − send. */
    STREAM_TIME("stream_time", true),
    /** Time per output token: (E2EL − TTFT) / (N_out − 1), for N_out > 1. */
    TPOT("tpot", true),
    /** Inter-chunk latency: each gap between consecutive token events. */
    ICL("icl", true),
    /** Inter-token latency: each ICL gap g ending at an event of k tokens gives k samples g / k. */
    ITL("itl", true),
    /** N_in per successful request. */
    INPUT_TOKENS("input_tokens", false),
    /** N_out per successful request. */
    OUTPUT_TOKENS("output_tokens", false),
    /** Send − scheduled send, per measured request (failed ones included). */
    SCHEDULE_LAG("schedule_lag", true);

    private static final double NANOS_PER_MILLI = 1e6;

    private final String key;
    private final boolean time;

    Metric(String key, boolean time) {
        this.key = key;
        this.time = time;
    }

    /** Returns the name without unit, such as {@code ttft}: the key of the histograms section. */
    public String key() {
        return key;
    }

    /** Returns the name with its display unit, such as {@code ttft_ms} or {@code input_tokens}. */
    public String displayKey() {
        return time ? key + "_ms" : key;
    }

    /** Returns whether the metric is a time, recorded in nanoseconds. */
    public boolean isTime() {
        return time;
    }

    /** Returns the base unit's name in result files: {@code ns} or {@code tokens}. */
    public String unit() {
        return time ? "ns" : "tokens";
    }

    /** Returns the divisor from the base unit to the display unit: 10⁶ for times, else 1. */
    public double displayDivisor() {
        return time ? NANOS_PER_MILLI : 1;
    }

    /**
     * Returns the metric whose {@link #key()} is {@code key}.
     *
     * @throws IllegalArgumentException for an unknown key
     */
    public static Metric fromKey(String key) {
        for (Metric metric : values()) {
            if (metric.key.equals(key)) {
                return metric;
            }
        }
        throw new IllegalArgumentException("unknown metric '" + key + "'");
    }
}
