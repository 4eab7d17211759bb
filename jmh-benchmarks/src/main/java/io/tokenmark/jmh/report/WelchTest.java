package io.tokenmark.jmh.report;

/**
 * Welch's two-sample t-test on two means, each given by its estimate, standard error and degrees
 * of freedom, as {@code compare} uses it to tell whether two runs differ by more than their own
 * noise. Two-sided; the degrees of freedom of the difference follow Welch and Satterthwaite:
 * {@code (se₁² + se₂²)² / (se₁⁴ / df₁ + se₂⁴ / df₂)}.
 *
 * <p>The test assumes independent samples whose means are about normally distributed. Requests
 * of one run share a server and a client, so their latencies are not fully independent; read a
 * small p-value as "the runs differ by more than their spread", not as a proof.
 *
 * <p>Thread-safe: stateless.
 */
public final class WelchTest {
    /** Significance level below which a difference counts as beyond noise. */
    public static final double ALPHA = 0.05;

    private static final int MAX_ITERATIONS = 300;
    private static final double EPSILON = 1e-14;
    private static final double TINY = 1e-300;

    private WelchTest() {
    }

    /**
     * A mean with its noise.
     *
     * @param mean the estimate
     * @param standardError the standard error of the estimate, at least 0
     * @param degreesOfFreedom the degrees of freedom of the standard error, above 0 (n − 1 for
     *     a mean of n samples)
     */
    public record Estimate(double mean, double standardError, double degreesOfFreedom) {
        public Estimate {
            if (!(standardError >= 0) || Double.isInfinite(standardError)) {
                throw new IllegalArgumentException("invalid standard error " + standardError
                        + ": must be a finite number of at least 0");
            }
            if (!(degreesOfFreedom > 0)) {
                throw new IllegalArgumentException("invalid degrees of freedom "
                        + degreesOfFreedom + ": must be above 0");
            }
        }

        /**
         * Returns the estimate of a sample mean.
         *
         * @param mean the sample mean
         * @param populationStdDev the population standard deviation of the samples, as summaries
         *     store it
         * @param count the number of samples, at least 2
         * @throws IllegalArgumentException if {@code count < 2}
         */
        public static Estimate ofMean(double mean, double populationStdDev, long count) {
            if (count < 2) {
                throw new IllegalArgumentException(
                        "invalid sample count " + count + ": a spread needs at least 2 samples");
            }
            double sampleStdDev = populationStdDev * Math.sqrt((double) count / (count - 1));
            return new Estimate(mean, sampleStdDev / Math.sqrt(count), count - 1);
        }
    }

    /**
     * Returns the two-sided p-value of the hypothesis that both means are equal: 1 when the
     * means are equal, 0 when they differ and neither has any spread.
     */
    public static double pValue(Estimate a, Estimate b) {
        double difference = a.mean() - b.mean();
        double varianceA = a.standardError() * a.standardError();
        double varianceB = b.standardError() * b.standardError();
        double variance = varianceA + varianceB;
        if (variance == 0) {
            return difference == 0 ? 1 : 0;
        }
        double t = difference / Math.sqrt(variance);
        double df = variance * variance / (varianceA * varianceA / a.degreesOfFreedom()
                + varianceB * varianceB / b.degreesOfFreedom());
        return twoSidedTailProbability(t, df);
    }

    /** Returns P(|T| ≥ |t|) for Student's t distribution with {@code df} degrees of freedom. */
    static double twoSidedTailProbability(double t, double df) {
        if (Double.isInfinite(t)) {
            return 0;
        }
        double x = df / (df + t * t);
        return Math.min(1, Math.max(0, regularizedIncompleteBeta(x, df / 2, 0.5)));
    }

    /**
     * Returns the regularized incomplete beta function I_x(a, b), by the continued fraction that
     * converges for {@code x < (a + 1) / (a + b + 2)} and the symmetry
     * I_x(a, b) = 1 − I_{1−x}(b, a) otherwise (modified Lentz evaluation).
     */
    static double regularizedIncompleteBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double logFront = logGamma(a + b) - logGamma(a) - logGamma(b)
                + a * Math.log(x) + b * Math.log1p(-x);
        if (x < (a + 1) / (a + b + 2)) {
            return Math.exp(logFront) * continuedFraction(x, a, b) / a;
        }
        return 1 - Math.exp(logFront) * continuedFraction(1 - x, b, a) / b;
    }

    private static double continuedFraction(double x, double a, double b) {
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.abs(d) < TINY ? TINY : d);
        double fraction = d;
        for (int m = 1; m <= MAX_ITERATIONS; m++) {
            int m2 = 2 * m;
            double even = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + even * d;
            d = 1 / (Math.abs(d) < TINY ? TINY : d);
            c = 1 + even / c;
            c = Math.abs(c) < TINY ? TINY : c;
            fraction *= d * c;

            double odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + odd * d;
            d = 1 / (Math.abs(d) < TINY ? TINY : d);
            c = 1 + odd / c;
            c = Math.abs(c) < TINY ? TINY : c;
            double step = d * c;
            fraction *= step;
            if (Math.abs(step - 1) < EPSILON) {
                break;
            }
        }
        return fraction;
    }

    /** Returns ln Γ(x) for x &gt; 0 (Lanczos approximation, g = 7, 9 terms). */
    static double logGamma(double x) {
        if (x < 0.5) {
            // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        double[] coefficients = {
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012,
            9.9843695780195716e-6, 1.5056327351493116e-7
        };
        double z = x - 1;
        double sum = coefficients[0];
        for (int i = 1; i < coefficients.length; i++) {
            sum += coefficients[i] / (z + i);
        }
        double t = z + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
    }
}
