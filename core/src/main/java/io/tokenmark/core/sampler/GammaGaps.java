package io.tokenmark.core.sampler;

import java.util.SplittableRandom;

/**
 * Draws inter-arrival gaps in seconds from a gamma distribution with shape {@code burstiness}
 * and scale {@code 1 / (rate × burstiness)}, so that the mean gap is {@code 1 / rate} whatever
 * the shape. This is how {@code vllm bench serve} draws its gaps: the coefficient of variation is
 * {@code 1 / sqrt(burstiness)}, and shape 1 is the exponential distribution of a Poisson process.
 *
 * <p>Every variate is computed here from {@link SplittableRandom#nextDouble()}, whose algorithm
 * (SplitMix64) is fixed, rather than from JDK helpers such as {@code nextGaussian}, whose
 * algorithm may change between releases. The same seed therefore gives the same gaps on every
 * JDK.
 *
 * <p>Not thread-safe.
 */
final class GammaGaps {
    private final SplittableRandom random;
    private final double ratePerSecond;
    private final double shape;
    private final double scale;

    /** Second normal variate of the last polar-method pair, or {@code NaN}. */
    private double spareNormal = Double.NaN;

    GammaGaps(double ratePerSecond, double burstiness, long seed) {
        this.random = new SplittableRandom(seed);
        this.ratePerSecond = ratePerSecond;
        this.shape = burstiness;
        this.scale = 1.0 / (ratePerSecond * burstiness);
    }

    /** Returns the next gap in seconds, at least 0. */
    double nextGapSeconds() {
        if (shape == 1.0) {
            // Exponential by inversion; 1 - u lies in (0, 1], so the logarithm is finite.
            return -Math.log(1.0 - random.nextDouble()) / ratePerSecond;
        }
        return standardGamma(shape) * scale;
    }

    /**
     * Returns a gamma variate with the given shape and scale 1, by Marsaglia and Tsang's
     * squeeze method ("A simple method for generating gamma variables", ACM TOMS 26(3), 2000).
     * A shape below 1 is drawn as {@code gamma(shape + 1) × u^(1 / shape)}, as that paper
     * describes.
     */
    private double standardGamma(double a) {
        if (a < 1.0) {
            double u = 1.0 - random.nextDouble();
            return standardGamma(a + 1.0) * Math.pow(u, 1.0 / a);
        }
        double d = a - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9.0 * d);
        while (true) {
            double x = nextNormal();
            double v = 1.0 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = 1.0 - random.nextDouble();
            double x2 = x * x;
            if (u < 1.0 - 0.0331 * x2 * x2) {
                return d * v;
            }
            if (Math.log(u) < 0.5 * x2 + d * (1.0 - v + Math.log(v))) {
                return d * v;
            }
        }
    }

    /** Returns a standard normal variate by Marsaglia's polar method. */
    private double nextNormal() {
        if (!Double.isNaN(spareNormal)) {
            double spare = spareNormal;
            spareNormal = Double.NaN;
            return spare;
        }
        double u;
        double v;
        double s;
        do {
            u = 2.0 * random.nextDouble() - 1.0;
            v = 2.0 * random.nextDouble() - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        double factor = Math.sqrt(-2.0 * Math.log(s) / s);
        spareNormal = v * factor;
        return u * factor;
    }
}
