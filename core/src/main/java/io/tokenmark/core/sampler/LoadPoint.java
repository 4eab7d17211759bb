package io.tokenmark.core.sampler;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One load level of a benchmark: how requests are offered to the server, when the point stops,
 * and how many warm-up requests run first. Immutable and thread-safe.
 *
 * <p>Two load models exist:
 * <ul>
 *   <li><b>Closed loop</b> ({@link #closedLoop(int)}): N users, each sending its next request as
 *       soon as its previous one ends, like evalscope perf's {@code --parallel}. The load adapts to
 *       the server, so a slow server receives fewer requests per second.</li>
 *   <li><b>Open loop</b> ({@link #openLoop(double)}): requests arrive at a rate, independent of
 *       how fast the server responds, like {@code vllm bench serve --request-rate}. Gaps between
 *       arrivals follow a gamma distribution with shape {@code burstiness} and mean
 *       {@code 1 / rate}: burstiness 1 gives Poisson arrivals, lower values are burstier, higher
 *       values more uniform, and {@link Double#POSITIVE_INFINITY} gives constant gaps. An infinite
 *       rate sends every request at once. An optional maximum concurrency delays an arrival
 *       while that many requests are in flight, as vLLM's {@code --max-concurrency} does. The
 *       delay shows up as schedule lag.</li>
 * </ul>
 *
 * <p>A point stops after a number of measured requests (like evalscope's {@code --number} or
 * vLLM's {@code --num-prompts}) or after a duration of measured load. Warm-up requests come
 * first, at the same load, and do not count toward either bound.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>applies to</th><th>valid values</th><th>default</th></tr>
 *   <tr><td>{@code users}</td><td>closed loop</td><td>1 to {@value #MAX_USERS}</td>
 *       <td>required</td></tr>
 *   <tr><td>{@code ratePerSecond}</td><td>open loop</td><td>&gt; 0, or infinity</td>
 *       <td>required</td></tr>
 *   <tr><td>{@code burstiness}</td><td>open loop</td><td>&gt; 0, or infinity</td>
 *       <td>1 (Poisson)</td></tr>
 *   <tr><td>{@code maxConcurrency}</td><td>open loop</td><td>1 to {@value #MAX_USERS}, or 0 for
 *       none</td><td>0</td></tr>
 *   <tr><td>{@code requests}</td><td>both</td><td>1 to {@value #MAX_REQUESTS}</td>
 *       <td>set this or {@code duration}</td></tr>
 *   <tr><td>{@code duration}</td><td>both</td><td>positive, at most 365 days; open loop at a
 *       finite rate only</td><td>set this or {@code requests}</td></tr>
 *   <tr><td>{@code warmupRequests}</td><td>both</td><td>0 to {@value #MAX_REQUESTS}</td>
 *       <td>0</td></tr>
 *   <tr><td>{@code label}</td><td>both</td><td>letters, digits, {@code . _ -}; at most 64
 *       characters</td><td>{@code c16}, {@code r2.5}, {@code rinf-c8}</td></tr>
 * </table>
 *
 * <p>{@link Builder#build()} validates every value once and throws
 * {@link IllegalArgumentException} naming the value and its valid range.
 */
public final class LoadPoint {
    /** Largest number of closed-loop users or open-loop maximum concurrency. */
    public static final int MAX_USERS = 1_000_000;
    /** Largest request count, the size limit of a precomputed open-loop schedule. */
    public static final int MAX_REQUESTS = ArrivalSchedule.MAX_ARRIVALS;
    /** Maximum duration of a point: 365 days. */
    public static final Duration MAX_DURATION = ArrivalSchedule.MAX_DURATION;

    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** The load model. */
    public enum Mode {
        /** N users, each sending its next request when its previous one ends. */
        CLOSED_LOOP,
        /** Arrivals at a rate on a precomputed schedule. */
        OPEN_LOOP
    }

    private final Mode mode;
    private final int users;
    private final double ratePerSecond;
    private final double burstiness;
    private final int maxConcurrency;
    private final int requests;
    private final Duration duration;
    private final int warmupRequests;
    private final String label;

    private LoadPoint(Builder b) {
        this.mode = b.mode;
        this.users = b.users;
        this.ratePerSecond = b.ratePerSecond;
        this.burstiness = b.burstiness;
        this.maxConcurrency = b.maxConcurrency;
        this.requests = b.requests;
        this.duration = b.duration;
        this.warmupRequests = b.warmupRequests;
        this.label = b.label != null ? b.label : defaultLabel(b);
    }

    /** Starts a closed-loop point with the given number of concurrent users. */
    public static Builder closedLoop(int users) {
        Builder b = new Builder(Mode.CLOSED_LOOP);
        b.users = users;
        return b;
    }

    /**
     * Starts an open-loop point at the given mean arrival rate in requests per second;
     * {@link Double#POSITIVE_INFINITY} sends every request at once.
     */
    public static Builder openLoop(double ratePerSecond) {
        Builder b = new Builder(Mode.OPEN_LOOP);
        b.ratePerSecond = ratePerSecond;
        return b;
    }

    /** Returns a builder holding this point's values; a label set explicitly is kept. */
    public Builder toBuilder() {
        Builder b = new Builder(mode);
        b.users = users;
        b.ratePerSecond = ratePerSecond;
        b.burstiness = burstiness;
        b.maxConcurrency = maxConcurrency;
        b.requests = requests;
        b.requestsSet = requests > 0;
        b.duration = duration;
        b.warmupRequests = warmupRequests;
        b.label = label.equals(defaultLabel(b)) ? null : label;
        return b;
    }

    /** Returns a copy with another user count and its default label; closed loop only. */
    public LoadPoint withUsers(int users) {
        if (mode != Mode.CLOSED_LOOP) {
            throw new IllegalStateException("point " + label + " is open loop: it has no users");
        }
        Builder b = toBuilder().users(users);
        b.label = null;
        return b.build();
    }

    /** Returns a copy with another rate and its default label; open loop only. */
    public LoadPoint withRate(double ratePerSecond) {
        if (mode != Mode.OPEN_LOOP) {
            throw new IllegalStateException("point " + label + " is closed loop: it has no rate");
        }
        Builder b = toBuilder().rate(ratePerSecond);
        b.label = null;
        return b.build();
    }

    /**
     * Returns a copy with another maximum concurrency (0 for none) and its default label; open
     * loop only.
     */
    public LoadPoint withMaxConcurrency(int maxConcurrency) {
        if (mode != Mode.OPEN_LOOP) {
            throw new IllegalStateException(
                    "point " + label + " is closed loop: set its users instead of a maximum concurrency");
        }
        Builder b = toBuilder().maxConcurrency(maxConcurrency);
        b.label = null;
        return b.build();
    }

    public Mode mode() {
        return mode;
    }

    /** Closed-loop users, or 0 for an open-loop point. */
    public int users() {
        return users;
    }

    /**
     * Open-loop mean arrival rate in requests per second ({@code +Infinity} for all at once), or
     * {@code NaN} for a closed-loop point.
     */
    public double ratePerSecond() {
        return ratePerSecond;
    }

    /** Gamma shape of the open-loop inter-arrival gaps; 1 for closed loop, where it is unused. */
    public double burstiness() {
        return burstiness;
    }

    /** Open-loop cap on requests in flight, or 0 for none. */
    public int maxConcurrency() {
        return maxConcurrency;
    }

    /** Measured requests after which the point stops, or 0 when it stops after a duration. */
    public int requests() {
        return requests;
    }

    /** Returns whether the point stops after a number of requests rather than a duration. */
    public boolean boundedByCount() {
        return requests > 0;
    }

    /** Measured load time after which the point stops dispatching, or {@code null}. */
    public Duration duration() {
        return duration;
    }

    /** Requests sent before the measured ones, at the same load, and flagged as warm-up. */
    public int warmupRequests() {
        return warmupRequests;
    }

    /**
     * Returns the point's name in reports and file names: the explicit label if one was set, else
     * {@code c<users>} for closed loop and {@code r<rate>} for open loop, followed by
     * {@code -c<max>} when a maximum concurrency is set ({@code c16}, {@code r2.5},
     * {@code rinf-c8}).
     */
    public String label() {
        return label;
    }

    /** Returns a one-line description for logs, such as {@code open loop, 2.5 req/s, Poisson}. */
    public String description() {
        StringBuilder s = new StringBuilder();
        if (mode == Mode.CLOSED_LOOP) {
            s.append("closed loop, ").append(users).append(users == 1 ? " user" : " users");
        } else {
            s.append("open loop, ").append(formatRate(ratePerSecond)).append(" req/s");
            if (Double.isFinite(ratePerSecond)) {
                s.append(burstiness == 1.0 ? ", Poisson" : ", gamma burstiness " + burstiness);
            }
            if (maxConcurrency > 0) {
                s.append(", max concurrency ").append(maxConcurrency);
            }
        }
        if (boundedByCount()) {
            s.append(", ").append(requests).append(" requests");
        } else {
            s.append(", for ").append(duration.toMillis()).append(" ms");
        }
        if (warmupRequests > 0) {
            s.append(" after ").append(warmupRequests).append(" warm-up");
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return "LoadPoint[" + label + ": " + description() + "]";
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LoadPoint)) {
            return false;
        }
        LoadPoint p = (LoadPoint) o;
        return mode == p.mode && users == p.users
                && Double.compare(ratePerSecond, p.ratePerSecond) == 0
                && Double.compare(burstiness, p.burstiness) == 0
                && maxConcurrency == p.maxConcurrency && requests == p.requests
                && Objects.equals(duration, p.duration) && warmupRequests == p.warmupRequests
                && label.equals(p.label);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, users, ratePerSecond, burstiness, maxConcurrency, requests,
                duration, warmupRequests, label);
    }

    private static String defaultLabel(Builder b) {
        if (b.mode == Mode.CLOSED_LOOP) {
            return "c" + b.users;
        }
        String label = "r" + formatRate(b.ratePerSecond);
        return b.maxConcurrency > 0 ? label + "-c" + b.maxConcurrency : label;
    }

    /** Formats a rate without a trailing {@code .0}: {@code 2.5}, {@code 10}, {@code inf}. */
    static String formatRate(double ratePerSecond) {
        if (Double.isInfinite(ratePerSecond)) {
            return "inf";
        }
        return BigDecimal.valueOf(ratePerSecond).stripTrailingZeros().toPlainString();
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private final Mode mode;
        private int users;
        private double ratePerSecond = Double.NaN;
        private double burstiness = 1.0;
        private int maxConcurrency;
        private int requests;
        private boolean requestsSet;
        private Duration duration;
        private int warmupRequests;
        private String label;

        private Builder(Mode mode) {
            this.mode = mode;
        }

        /** Sets the closed-loop user count. */
        public Builder users(int users) {
            this.users = users;
            return this;
        }

        /** Sets the open-loop mean arrival rate in requests per second. */
        public Builder rate(double ratePerSecond) {
            this.ratePerSecond = ratePerSecond;
            return this;
        }

        /**
         * Sets the gamma shape of open-loop gaps: 1 is Poisson, lower is burstier, higher is more
         * uniform, {@link Double#POSITIVE_INFINITY} gives constant gaps of {@code 1 / rate}.
         */
        public Builder burstiness(double burstiness) {
            this.burstiness = burstiness;
            return this;
        }

        /** Caps open-loop requests in flight; 0 removes the cap. */
        public Builder maxConcurrency(int maxConcurrency) {
            this.maxConcurrency = maxConcurrency;
            return this;
        }

        /** Stops the point after this many measured requests; clears a duration. */
        public Builder requests(int requests) {
            this.requests = requests;
            this.requestsSet = true;
            this.duration = null;
            return this;
        }

        /**
         * Stops dispatching after this much measured load time; clears a request count. Requests
         * in flight when it passes finish normally, so the point ends later than this.
         */
        public Builder duration(Duration duration) {
            this.duration = Objects.requireNonNull(duration, "duration");
            this.requests = 0;
            this.requestsSet = false;
            return this;
        }

        /** Sends this many warm-up requests first, at the point's load. */
        public Builder warmupRequests(int warmupRequests) {
            this.warmupRequests = warmupRequests;
            return this;
        }

        /** Overrides the default label; {@code null} restores it. */
        public Builder label(String label) {
            this.label = label;
            return this;
        }

        /**
         * Validates the settings and returns the point.
         *
         * @throws IllegalArgumentException naming the first invalid value and its valid range
         */
        public LoadPoint build() {
            if (mode == Mode.CLOSED_LOOP) {
                validateClosedLoop();
            } else {
                validateOpenLoop();
            }
            validateBounds();
            if (label != null && !LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException("invalid load point label '" + label
                        + "': use 1 to 64 letters, digits, '.', '_' or '-'");
            }
            return new LoadPoint(this);
        }

        private void validateClosedLoop() {
            if (users < 1 || users > MAX_USERS) {
                throw new IllegalArgumentException("invalid user count " + users
                        + " for a closed-loop point: must be 1 to " + MAX_USERS);
            }
            if (maxConcurrency != 0) {
                throw new IllegalArgumentException("invalid max concurrency " + maxConcurrency
                        + " for a closed-loop point: the user count already caps concurrency;"
                        + " leave it at 0");
            }
            if (!Double.isNaN(ratePerSecond)) {
                throw new IllegalArgumentException("invalid request rate " + ratePerSecond
                        + " req/s for a closed-loop point: its users set the load; use an"
                        + " open-loop point for a rate");
            }
            if (burstiness != 1.0) {
                throw new IllegalArgumentException("invalid burstiness " + burstiness
                        + " for a closed-loop point: burstiness applies to open-loop arrivals"
                        + " only; leave it at 1");
            }
        }

        private void validateOpenLoop() {
            if (!(ratePerSecond > 0)) {
                throw new IllegalArgumentException("invalid request rate " + ratePerSecond
                        + " req/s: must be greater than 0, or infinity to send all at once");
            }
            if (!(burstiness > 0)) {
                throw new IllegalArgumentException("invalid burstiness " + burstiness
                        + ": must be greater than 0 (1 is Poisson, infinity gives constant gaps)");
            }
            if (maxConcurrency < 0 || maxConcurrency > MAX_USERS) {
                throw new IllegalArgumentException("invalid max concurrency " + maxConcurrency
                        + ": must be 1 to " + MAX_USERS + ", or 0 for no limit");
            }
            if (users != 0) {
                throw new IllegalArgumentException("invalid user count " + users
                        + " for an open-loop point: its rate sets the load; use maxConcurrency"
                        + " to cap requests in flight");
            }
        }

        private void validateBounds() {
            if (duration == null && !requestsSet) {
                throw new IllegalArgumentException(
                        "load point has no stop condition: set a request count or a duration");
            }
            if (duration == null && (requests < 1 || requests > MAX_REQUESTS)) {
                throw new IllegalArgumentException("invalid request count " + requests
                        + ": must be 1 to " + MAX_REQUESTS);
            }
            if (duration != null && (duration.isZero() || duration.isNegative()
                    || duration.compareTo(MAX_DURATION) > 0)) {
                throw new IllegalArgumentException("invalid duration " + duration
                        + ": must be positive and at most " + MAX_DURATION);
            }
            if (duration != null && mode == Mode.OPEN_LOOP && Double.isInfinite(ratePerSecond)) {
                throw new IllegalArgumentException("invalid duration " + duration
                        + " at an infinite request rate: every request is sent at once, so give"
                        + " a request count instead");
            }
            if (warmupRequests < 0 || warmupRequests > MAX_REQUESTS) {
                throw new IllegalArgumentException("invalid warm-up request count "
                        + warmupRequests + ": must be 0 to " + MAX_REQUESTS);
            }
            if (duration == null && (long) requests + warmupRequests > MAX_REQUESTS) {
                throw new IllegalArgumentException("invalid request count " + requests + " with "
                        + warmupRequests + " warm-up requests: together they must be at most "
                        + MAX_REQUESTS);
            }
            if (duration != null && mode == Mode.OPEN_LOOP) {
                double expected = ratePerSecond * duration.toNanos() / 1e9 + warmupRequests;
                if (expected > MAX_REQUESTS) {
                    throw new IllegalArgumentException("invalid duration " + duration + " at "
                            + formatRate(ratePerSecond) + " req/s: about " + (long) expected
                            + " arrivals, more than the " + MAX_REQUESTS
                            + " a precomputed schedule holds; shorten the duration or split it"
                            + " into several points");
                }
            }
        }
    }
}
