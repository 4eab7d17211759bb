package io.tokenmark.jmh.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SignedSamplesTest {
    private static SignedSamples of(long... values) {
        SignedSamples samples = new SignedSamples();
        for (long value : values) {
            samples.add(value);
        }
        return samples;
    }

    @Test
    void percentilesAreNearestRankOverSignedValues() {
        SignedSamples samples = of(30, -10, 20, 10, -20, 0, 40, 50, 60, 70);

        assertThat(samples.percentile(10)).isEqualTo(-20);
        assertThat(samples.percentile(50)).isEqualTo(20);
        assertThat(samples.percentile(91)).isEqualTo(70);
        assertThat(samples.percentile(100)).isEqualTo(70);
        assertThat(samples.min()).isEqualTo(-20);
        assertThat(samples.max()).isEqualTo(70);
        assertThat(samples.mean()).isEqualTo(25);
        assertThat(samples.count()).isEqualTo(10);
    }

    @Test
    void p99OfThreeSamplesIsTheLargest() {
        assertThat(of(10, 20, 30).percentile(99)).isEqualTo(30);
    }

    @Test
    void samplesGrowPastInitialCapacity() {
        SignedSamples samples = new SignedSamples();
        for (int i = 5000; i > 0; i--) {
            samples.add(i);
        }

        assertThat(samples.count()).isEqualTo(5000);
        assertThat(samples.percentile(50)).isEqualTo(2500);
        assertThat(samples.min()).isEqualTo(1);
    }

    @Test
    void addingAfterReadingKeepsOrder() {
        SignedSamples samples = of(5, 1);
        assertThat(samples.max()).isEqualTo(5);

        samples.add(9);

        assertThat(samples.max()).isEqualTo(9);
        assertThat(samples.percentile(50)).isEqualTo(5);
    }

    @Test
    void emptySamplesGiveNaN() {
        SignedSamples samples = new SignedSamples();

        assertThat(samples.percentile(99)).isNaN();
        assertThat(samples.mean()).isNaN();
        assertThat(samples.min()).isNaN();
        assertThat(samples.max()).isNaN();
    }

    @Test
    void percentileOutsideRangeIsRejected() {
        assertThatThrownBy(() -> of(1).percentile(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid percentile 0.0");
        assertThatThrownBy(() -> of(1).percentile(100.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(0, 100]");
    }
}
