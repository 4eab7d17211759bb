package io.tokenmark.simulator.fault;

import io.tokenmark.simulator.engine.SplitMix64;
import java.util.List;

/**
 * Injects faults into a configured share of requests: request number {@code i} (in arrival
 * order, from 0) gets a fault when a seeded uniform draw for {@code i} falls below
 * {@code share}, and then the fault at a seeded position in the list. The same seed and arrival
 * order give the same faults.
 *
 * <p>A request's {@value Fault#HEADER} header takes precedence over the plan.
 *
 * <p>Immutable and thread-safe.
 */
public final class FaultPlan {
    /** A plan that injects nothing. */
    public static final FaultPlan NONE = new FaultPlan(0, List.of(), 0);

    private final double share;
    private final List<Fault> faults;
    private final long seed;

    /**
     * @param share the share of requests that get a fault, in [0, 1]
     * @param faults the faults to choose from, each equally likely; may be empty only when
     *     {@code share} is 0
     * @param seed seeds the choices
     * @throws IllegalArgumentException if the share is out of range or the list is empty
     */
    public FaultPlan(double share, List<Fault> faults, long seed) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException(
                    "invalid fault share " + share + ": must be in [0, 1]");
        }
        if (share > 0 && faults.isEmpty()) {
            throw new IllegalArgumentException("fault share " + share
                    + " has no faults to inject: list them, for example http_503,reset_after=5");
        }
        this.share = share;
        this.faults = List.copyOf(faults);
        this.seed = seed;
    }

    public double share() {
        return share;
    }

    public List<Fault> faults() {
        return faults;
    }

    /** Returns the fault for request number {@code arrivalIndex}, or {@link Fault#NONE}. */
    public Fault choose(long arrivalIndex) {
        if (share == 0) {
            return Fault.NONE;
        }
        long state = SplitMix64.hash(seed, arrivalIndex);
        if (SplitMix64.unit(state) >= share) {
            return Fault.NONE;
        }
        return faults.get(SplitMix64.below(state + SplitMix64.GOLDEN_GAMMA, faults.size()));
    }

    @Override
    public String toString() {
        return share == 0 ? "no faults" : "faults " + faults + " in " + share * 100 + "% of requests";
    }
}
