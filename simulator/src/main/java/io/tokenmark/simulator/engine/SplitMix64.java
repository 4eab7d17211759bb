package io.tokenmark.simulator.engine;

/**
 * SplitMix64, the seeded 64-bit mixing function of {@code java.util.SplittableRandom}, as static
 * functions so that callers keep their own {@code long} state and allocate nothing.
 *
 * <p>{@code mix(seed + k * GOLDEN_GAMMA)} for k = 1, 2, … is the SplitMix64 sequence; mixing a
 * combination of several values gives a stateless hash, which makes simulated text and fault
 * choices depend only on their seed and position.
 */
public final class SplitMix64 {
    /** The increment between consecutive states. */
    public static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private SplitMix64() {
    }

    /** Returns the mixed value of a state. */
    public static long mix(long state) {
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Returns a uniform double in [0, 1) from a state. */
    public static double unit(long state) {
        return (mix(state) >>> 11) * 0x1.0p-53;
    }

    /** Returns a uniform int in [0, bound) from a state; {@code bound} must be positive. */
    public static int below(long state, int bound) {
        return (int) (((mix(state) >>> 33) * bound) >>> 31);
    }

    /** Returns the hash of two values, for example a seed and a position. */
    public static long hash(long a, long b) {
        return mix(mix(a + GOLDEN_GAMMA) + b * GOLDEN_GAMMA);
    }
}
