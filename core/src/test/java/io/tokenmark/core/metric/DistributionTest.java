package io.tokenmark.core.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DistributionTest {
    private static final double MS = 1e6;

    /** Relative precision of a 3-significant-digit HdrHistogram bucket. */
    private static final double BUCKET_PRECISION = 1e-3;

    @Test
    void oneSampleIsEveryPercentile() {
        Distribution single = Distribution.of(10 * MS);

        DistributionStats stats = single.statsMillis();
        assertThat(stats.count()).isEqualTo(1);
        assertThat(stats.mean()).isEqualTo(10.0);
        assertThat(stats.stdDev()).isEqualTo(0.0);
        assertThat(stats.min()).isEqualTo(10.0);
        assertThat(stats.p50()).isEqualTo(10.0);
        assertThat(stats.p99()).isEqualTo(10.0);
        assertThat(stats.p999()).isEqualTo(10.0);
        assertThat(stats.max()).isEqualTo(10.0);
    }

    @Test
    void p99OfThreeSamplesIsTheLargest() {
        Distribution three = Distribution.of(10 * MS, 20 * MS, 30 * MS);

        assertThat(three.percentile(99) / MS).isEqualTo(30.0);
        assertThat(three.percentile(50) / MS).isCloseTo(20.0, within(20 * BUCKET_PRECISION));
        assertThat(three.percentile(0) / MS).isEqualTo(10.0);
        assertThat(three.percentile(33.4) / MS).isCloseTo(20.0, within(20 * BUCKET_PRECISION));
    }

    @Test
    void p99Of160SamplesIsRank159() {
        double[] samples = new double[160];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (i + 1) * MS;
        }
        Distribution distribution = Distribution.of(samples);

        // ceil(0.99 × 160) = ceil(158.4) = 159; rounding the rank would give the 158th.
        assertThat(distribution.percentile(99) / MS).isCloseTo(159.0, within(159 * BUCKET_PRECISION));
        assertThat(distribution.percentile(99) / MS).isGreaterThan(158.5);
    }

    @Test
    void percentileNeverExceedsLargestSample() {
        Distribution distribution = Distribution.of(10 * MS, 10 * MS, 10 * MS);

        assertThat(distribution.percentile(99)).isEqualTo(10 * MS);
        assertThat(distribution.percentile(50)).isEqualTo(10 * MS);
        // HdrHistogram alone reports the bucket's highest value, above every sample.
        assertThat((double) distribution.histogramCopy().getValueAtPercentile(99))
                .isGreaterThan(10 * MS);
    }

    @ParameterizedTest(name = "p{0} of {1} samples is rank {2}")
    @CsvSource({
        "99.9, 1000, 999",
        "99.9, 1001, 1000",
        "99, 100, 99",
        "99, 101, 100",
        "50, 4, 2",
        "50, 5, 3",
        "90, 10, 9",
        "95, 20, 19",
        "0, 7, 1",
        "100, 7, 7",
        "0.001, 3, 1"
    })
    void nearestRankUsesExactDecimals(double percentile, long count, long rank) {
        assertThat(Distribution.nearestRank(percentile, count)).isEqualTo(rank);
    }

    @Test
    void percentilesMatchSortedSamplesWithinBucketPrecision() {
        Random random = new Random(42);
        double[] samples = new double[5_000];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = Math.exp(random.nextGaussian() * 1.5 + 17); // ~24 ms median, long tail
        }
        Distribution distribution = Distribution.of(samples);
        double[] sorted = samples.clone();
        Arrays.sort(sorted);

        for (double p : new double[] {1, 10, 50, 90, 95, 99, 99.9, 99.99}) {
            double exact = sorted[(int) Distribution.nearestRank(p, sorted.length) - 1];
            assertThat(distribution.percentile(p)).as("p" + p)
                    .isCloseTo(exact, within(exact * BUCKET_PRECISION + 1));
            assertThat(distribution.percentile(p)).as("p" + p + " never understates")
                    .isGreaterThanOrEqualTo(Math.round(exact) - 1);
        }
    }

    @Test
    void meanAndStdDevComeFromExactSums() {
        // 1,000,001 ns and 1,000,999 ns share one histogram bucket (width 1024 ns here). A mean
        // from the histogram could not tell them apart, but the exact mean can.
        Distribution distribution = Distribution.of(1_000_001, 1_000_999, 1_000_001, 1_000_999);

        assertThat(distribution.mean()).isEqualTo(1_000_500.0);
        assertThat(distribution.stdDev()).isEqualTo(499.0);
        assertThat(distribution.min()).isEqualTo(1_000_001.0);
        assertThat(distribution.max()).isEqualTo(1_000_999.0);
    }

    @Test
    void fractionalSamplesKeepExactMoments() {
        Distribution distribution = Distribution.of(5.0, 20.0 / 3, 5.0);

        assertThat(distribution.mean()).isCloseTo((10 + 20.0 / 3) / 3, within(1e-12));
        assertThat(distribution.max()).isEqualTo(20.0 / 3);
    }

    @Test
    void emptyDistributionReportsNaN() {
        DistributionStats stats = Distribution.empty().statsMillis();

        assertThat(stats.isEmpty()).isTrue();
        assertThat(stats.mean()).isNaN();
        assertThat(stats.stdDev()).isNaN();
        assertThat(stats.p50()).isNaN();
        assertThat(stats.max()).isNaN();
        assertThat(Distribution.of().isEmpty()).isTrue();
    }

    @Test
    void mergeEqualsRecordingEverySample() {
        Random random = new Random(7);
        double[] all = new double[3_000];
        for (int i = 0; i < all.length; i++) {
            all[i] = 1e6 + random.nextInt(50_000_000);
        }
        Distribution whole = Distribution.of(all);
        Distribution merged = Distribution.merge(List.of(
                Distribution.of(Arrays.copyOfRange(all, 0, 1000)),
                Distribution.empty(),
                Distribution.of(Arrays.copyOfRange(all, 1000, 1001)),
                Distribution.of(Arrays.copyOfRange(all, 1001, 3000))));

        assertThat(merged.count()).isEqualTo(whole.count());
        assertThat(merged.sum()).isEqualTo(whole.sum());
        assertThat(merged.mean()).isEqualTo(whole.mean());
        assertThat(merged.stdDev()).isCloseTo(whole.stdDev(), within(whole.stdDev() * 1e-12));
        assertThat(merged.min()).isEqualTo(whole.min());
        assertThat(merged.max()).isEqualTo(whole.max());
        assertThat(merged.histogramCopy()).isEqualTo(whole.histogramCopy());
        for (double p : new double[] {50, 90, 99, 99.9}) {
            assertThat(merged.percentile(p)).as("p" + p).isEqualTo(whole.percentile(p));
        }
    }

    @Test
    void mergeLeavesBothInputsUnchanged() {
        Distribution left = Distribution.of(1, 2, 3);
        Distribution right = Distribution.of(10, 20);

        Distribution merged = left.merge(right);

        assertThat(merged.count()).isEqualTo(5);
        assertThat(left.count()).isEqualTo(3);
        assertThat(left.histogramCopy().getTotalCount()).isEqualTo(3);
        assertThat(right.max()).isEqualTo(20.0);
        assertThat(left.merge(Distribution.empty())).isSameAs(left);
        assertThat(Distribution.empty().merge(right)).isSameAs(right);
    }

    @Test
    void encodedHistogramRestoresEqualDistribution() {
        Distribution original = Distribution.of(3.5, 1e6, 2.5e9, 42, 42);

        Distribution restored = Distribution.restore(original.count(), original.sum(),
                original.m2(), original.min(), original.max(), original.encodeHistogram());

        assertThat(restored).isEqualTo(original);
        assertThat(restored.percentile(60)).isEqualTo(original.percentile(60));
    }

    @Test
    void emptyDistributionRestores() {
        Distribution empty = Distribution.empty();

        Distribution restored = Distribution.restore(0, 0, 0, Double.NaN, Double.NaN,
                empty.encodeHistogram());

        assertThat(restored.isEmpty()).isTrue();
    }

    @Test
    void restoreRejectsCountMismatch() {
        Distribution original = Distribution.of(1, 2, 3);

        assertThatThrownBy(() -> Distribution.restore(4, 6, 2, 1, 3, original.encodeHistogram()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("encoded histogram contains 3 samples but the stored count is 4");
    }

    @Test
    void restoreRejectsTextThatIsNoHistogram() {
        assertThatThrownBy(() -> Distribution.restore(1, 1, 0, 1, 1, "bm90IGEgaGlzdG9ncmFt"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid encoded histogram");
    }

    @Test
    void javaSerializationKeepsEverySample() throws Exception {
        Distribution original = Distribution.of(5, 50, 500, 5_000_000);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(original);
        }
        Object read;
        try (ObjectInputStream in = new ObjectInputStream(
                new ByteArrayInputStream(bytes.toByteArray()))) {
            read = in.readObject();
        }

        assertThat(read).isEqualTo(original);
    }

    @Test
    void recorderRejectsNegativeSample() {
        DistributionRecorder recorder = new DistributionRecorder();

        assertThatThrownBy(() -> recorder.record(-3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid sample -3.0: must be a finite number of at least 0");
        assertThatThrownBy(() -> recorder.record(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(recorder.count()).isZero();
    }

    @Test
    void percentileRejectsValueOutsideRange() {
        Distribution distribution = Distribution.of(1);

        assertThatThrownBy(() -> distribution.percentile(100.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid percentile 100.5: must be from 0 to 100");
    }

    @Test
    void snapshotIsNotChangedByLaterSamples() {
        DistributionRecorder recorder = new DistributionRecorder();
        recorder.record(10);
        Distribution before = recorder.snapshot();

        recorder.record(1_000);

        assertThat(before.count()).isEqualTo(1);
        assertThat(before.max()).isEqualTo(10.0);
        assertThat(recorder.snapshot().count()).isEqualTo(2);
    }

    @Test
    void statsDivideByDisplayUnit() {
        DistributionStats stats = Distribution.of(2_000_000, 4_000_000).stats(1e6);

        assertThat(stats.mean()).isEqualTo(3.0);
        assertThat(stats.stdDev()).isEqualTo(1.0);
        assertThat(stats.min()).isEqualTo(2.0);
        assertThat(stats.max()).isEqualTo(4.0);
        assertThatThrownBy(() -> Distribution.of(1).stats(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid divisor 0.0: must be a positive finite number");
    }
}
