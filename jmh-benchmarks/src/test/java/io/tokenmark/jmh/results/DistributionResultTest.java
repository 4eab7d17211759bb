package io.tokenmark.jmh.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tokenmark.core.metric.Distribution;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.util.Statistics;

class DistributionResultTest {
    private static final double MS = 1e6;

    private static DistributionResult ttft(double... millis) {
        double[] nanos = new double[millis.length];
        for (int i = 0; i < millis.length; i++) {
            nanos[i] = millis[i] * MS;
        }
        return new DistributionResult("ttft", Distribution.of(nanos), "ms", MS, 50, 99);
    }

    @Test
    void iterationAggregatorMergesDistributions() {
        DistributionResult first = ttft(10, 20, 30);
        DistributionResult second = ttft(40, 50);

        DistributionResult merged = first.getIterationAggregator().aggregate(List.of(first, second));

        assertThat(merged.distribution())
                .isEqualTo(first.distribution().merge(second.distribution()));
        assertThat(merged.getLabel()).isEqualTo("ttft");
        assertThat(merged.getScoreUnit()).isEqualTo("ms");
    }

    @Test
    void threadAggregatorMergesDistributions() {
        DistributionResult first = ttft(10);
        DistributionResult second = ttft(30);

        DistributionResult merged = first.getThreadAggregator().aggregate(List.of(first, second));

        assertThat(merged.getSampleCount()).isEqualTo(2);
        assertThat(merged.getScore()).isEqualTo(20.0);
    }

    @Test
    void aggregatorRejectsAnotherUnit() {
        DistributionResult millis = ttft(10);
        DistributionResult tokens = new DistributionResult("ttft", Distribution.of(5), "tokens", 1);

        assertThatThrownBy(() -> millis.getIterationAggregator().aggregate(List.of(millis, tokens)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tokens");
    }

    @Test
    void scoreIsMeanOverSamplesNotIterations() {
        DistributionResult first = ttft(10);
        DistributionResult second = ttft(20, 20, 20);

        DistributionResult merged = first.getIterationAggregator().aggregate(List.of(first, second));

        // The mean of the two iteration means would be 15.
        assertThat(merged.getScore()).isEqualTo(17.5);
    }

    @Test
    void statisticsPercentilesAreNearestRank() {
        Statistics statistics = ttft(10, 20, 30).getStatistics();

        assertThat(statistics.getPercentile(0)).isEqualTo(10.0);
        assertThat(statistics.getPercentile(50)).isCloseTo(20.0, within(0.02));
        assertThat(statistics.getPercentile(99)).isEqualTo(30.0);
        assertThat(statistics.getPercentile(100)).isEqualTo(30.0);
    }

    @Test
    void statisticsVarianceIsSampleVariance() {
        Statistics statistics = ttft(10, 20, 30).getStatistics();

        assertThat(statistics.getVariance()).isCloseTo(100.0, within(1e-9));
        assertThat(statistics.getStandardDeviation()).isCloseTo(10.0, within(1e-9));
        assertThat(statistics.getN()).isEqualTo(3);
        assertThat(statistics.getSum()).isCloseTo(60.0, within(1e-9));
    }

    @Test
    void scoreErrorIsConfidenceIntervalOfMean() {
        DistributionResult result = ttft(10, 20, 30, 40, 50, 60, 70, 80, 90, 100);

        double[] interval = result.getScoreConfidence();

        assertThat(interval[0]).isLessThan(result.getScore());
        assertThat(interval[1]).isGreaterThan(result.getScore());
        assertThat(result.getScoreError()).isCloseTo((interval[1] - interval[0]) / 2, within(1e-9));
    }

    @Test
    void emptyDistributionGivesNaN() {
        DistributionResult empty = new DistributionResult("tpot", Distribution.empty(), "ms", MS);

        assertThat(empty.getScore()).isNaN();
        assertThat(empty.getStatistics().getPercentile(99)).isNaN();
        assertThat(empty.getSampleCount()).isZero();
    }

    @Test
    void derivativeResultsArePercentilesOfMergedDistribution() {
        DistributionResult merged = ttft(10).getIterationAggregator()
                .aggregate(List.of(ttft(10, 20), ttft(30, 40)));

        Map<String, Double> derived = merged.getDerivativeResults().stream()
                .collect(Collectors.toMap(Result::getLabel, Result::getScore));

        assertThat(derived).containsOnlyKeys("ttft.p50", "ttft.p99");
        assertThat(derived.get("ttft.p99")).isEqualTo(40.0);
        assertThat(derived.get("ttft.p50")).isCloseTo(20.0, within(0.02));
    }

    @Test
    void percentileLabelDropsTrailingZeros() {
        assertThat(DistributionResult.percentileLabel("itl", 99.0)).isEqualTo("itl.p99");
        assertThat(DistributionResult.percentileLabel("itl", 99.9)).isEqualTo("itl.p99.9");
    }

    @Test
    void invalidPercentileIsRejected() {
        assertThatThrownBy(() -> new DistributionResult("ttft", Distribution.empty(), "ms", MS, 101))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("101");
    }

    @Test
    void serializationKeepsDistribution() throws IOException, ClassNotFoundException {
        DistributionResult original = ttft(12.5, 13.25, 80);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(original);
        }
        DistributionResult copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (DistributionResult) in.readObject();
        }

        assertThat(copy.distribution()).isEqualTo(original.distribution());
        assertThat(copy.getStatistics().getPercentile(99)).isEqualTo(80.0);
        assertThat(copy.getDerivativeResults()).hasSize(2);
    }

    @Test
    void rawDataCountsEverySample() {
        Statistics statistics = ttft(10, 10, 20, 30).getStatistics();

        long samples = 0;
        List<Double> values = new ArrayList<>();
        for (Iterator<Map.Entry<Double, Long>> it = statistics.getRawData(); it.hasNext(); ) {
            Map.Entry<Double, Long> bucket = it.next();
            values.add(bucket.getKey());
            samples += bucket.getValue();
        }

        assertThat(samples).isEqualTo(4);
        assertThat(values).hasSize(3).isSorted();
    }

    @Test
    void histogramCountsSamplesPerBin() {
        Statistics statistics = ttft(5, 15, 15, 25).getStatistics();

        int[] counts = statistics.getHistogram(new double[] {0, 10, 20, 30});

        assertThat(counts).containsExactly(1, 2, 1);
    }
}
