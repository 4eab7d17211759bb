package io.tokenmark.jmh.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WelchTestTest {
    @Test
    void logGammaMatchesFactorials() {
        assertThat(WelchTest.logGamma(5)).isCloseTo(Math.log(24), within(1e-12));
        assertThat(WelchTest.logGamma(11)).isCloseTo(Math.log(3_628_800), within(1e-10));
        assertThat(WelchTest.logGamma(0.5)).isCloseTo(0.5 * Math.log(Math.PI), within(1e-12));
    }

    @ParameterizedTest(name = "t = {0}, df = {1}")
    @CsvSource({
        // Two-sided critical values from Student's t table.
        "2.228, 10, 0.05",
        "3.169, 10, 0.01",
        "1.812, 10, 0.10",
        "2.101, 18, 0.05",
        "12.706, 1, 0.05",
        "1.960, 1000000, 0.05",
        "0, 5, 1"
    })
    void tailProbabilityMatchesTTable(double t, double df, double expected) {
        assertThat(WelchTest.twoSidedTailProbability(t, df)).isCloseTo(expected, within(0.001));
        assertThat(WelchTest.twoSidedTailProbability(-t, df)).isCloseTo(expected, within(0.001));
    }

    @Test
    void pValueUsesWelchDegreesOfFreedom() {
        // t = 3 / sqrt(2) = 2.121 with Welch's df = 18, just beyond the 5 % critical value 2.101.
        double p = WelchTest.pValue(new WelchTest.Estimate(10, 1, 9),
                new WelchTest.Estimate(13, 1, 9));

        assertThat(p).isBetween(0.045, 0.05);
    }

    @Test
    void pValueOfEqualMeansIsOne() {
        assertThat(WelchTest.pValue(new WelchTest.Estimate(5, 1, 4),
                new WelchTest.Estimate(5, 2, 9))).isEqualTo(1.0);
    }

    @Test
    void pValueWithoutSpreadIsZero() {
        assertThat(WelchTest.pValue(new WelchTest.Estimate(5, 0, 4),
                new WelchTest.Estimate(6, 0, 4))).isEqualTo(0.0);
    }

    @Test
    void estimateOfMeanUsesSampleStandardDeviation() {
        // Samples {1, 3}: population sd 1, sample sd sqrt(2), standard error 1.
        WelchTest.Estimate estimate = WelchTest.Estimate.ofMean(2, 1, 2);

        assertThat(estimate.standardError()).isCloseTo(1.0, within(1e-12));
        assertThat(estimate.degreesOfFreedom()).isEqualTo(1.0);
    }

    @Test
    void estimateOfMeanRejectsSingleSample() {
        assertThatThrownBy(() -> WelchTest.Estimate.ofMean(2, 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid sample count 1");
    }
}
