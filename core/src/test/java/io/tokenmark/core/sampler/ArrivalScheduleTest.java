package io.tokenmark.core.sampler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArrivalScheduleTest {

    @ParameterizedTest(name = "rate {0}/s, seed {1}")
    @CsvSource({"0.5, 1", "2.5, 2", "100, 3", "10000, 4", "2.5, -7"})
    void poissonMeanGapWithinFivePercentOfInverseRate(double rate, long seed) {
        ArrivalSchedule schedule = ArrivalSchedule.ofCount(rate, 1.0, 10_000, seed);

        double meanGapSeconds = meanGapNanos(schedule) / 1e9;

        assertThat(schedule.size()).isEqualTo(10_000);
        assertThat(meanGapSeconds).isCloseTo(1.0 / rate, withinPercentage(5));
    }

    @ParameterizedTest(name = "burstiness {0}")
    @CsvSource({"0.25", "0.5", "1", "2", "4", "16"})
    void gammaBurstinessSetsCoefficientOfVariation(double burstiness) {
        ArrivalSchedule schedule = ArrivalSchedule.ofCount(10.0, burstiness, 100_000, 42);

        double[] gaps = gapsNanos(schedule);
        double mean = mean(gaps);
        double cv = standardDeviation(gaps, mean) / mean;

        assertThat(cv).isCloseTo(1.0 / Math.sqrt(burstiness), withinPercentage(5));
    }

    @ParameterizedTest(name = "burstiness {0}")
    @CsvSource({"0.25", "0.5", "2", "16"})
    void gammaKeepsMeanGapAtInverseRate(double burstiness) {
        ArrivalSchedule schedule = ArrivalSchedule.ofCount(10.0, burstiness, 100_000, 43);

        assertThat(meanGapNanos(schedule) / 1e9).isCloseTo(0.1, withinPercentage(5));
    }

    @Test
    void infiniteBurstinessGivesConstantGaps() {
        ArrivalSchedule schedule =
                ArrivalSchedule.ofCount(10.0, Double.POSITIVE_INFINITY, 1_000, 1);

        for (int i = 0; i < schedule.size(); i++) {
            assertThat(schedule.offsetNanos(i)).isEqualTo(i * 100_000_000L);
        }
    }

    @Test
    void infiniteRateSchedulesEveryArrivalAtZero() {
        ArrivalSchedule schedule = ArrivalSchedule.ofCount(Double.POSITIVE_INFINITY, 1.0, 500, 1);

        assertThat(schedule.size()).isEqualTo(500);
        assertThat(schedule.offsetsNanos()).containsOnly(0L);
    }

    @Test
    void firstArrivalIsAtZero() {
        ArrivalSchedule schedule = ArrivalSchedule.ofCount(3.0, 0.5, 10, 99);

        assertThat(schedule.offsetNanos(0)).isZero();
    }

    @Test
    void offsetsNeverDecrease() {
        ArrivalSchedule schedule = ArrivalSchedule.ofCount(1_000.0, 0.1, 50_000, 5);

        for (int i = 1; i < schedule.size(); i++) {
            assertThat(schedule.offsetNanos(i)).isGreaterThanOrEqualTo(schedule.offsetNanos(i - 1));
        }
    }

    @ParameterizedTest(name = "burstiness {0}")
    @CsvSource({"1", "0.3", "7"})
    void sameSeedGivesIdenticalSchedule(double burstiness) {
        ArrivalSchedule first = ArrivalSchedule.ofCount(4.0, burstiness, 5_000, 1234);
        ArrivalSchedule second = ArrivalSchedule.ofCount(4.0, burstiness, 5_000, 1234);

        assertThat(second.offsetsNanos()).isEqualTo(first.offsetsNanos());
        assertThat(second).isEqualTo(first);
    }

    @ParameterizedTest(name = "burstiness {0}")
    @CsvSource({"1", "0.3", "7"})
    void differentSeedsGiveDifferentSchedules(double burstiness) {
        ArrivalSchedule first = ArrivalSchedule.ofCount(4.0, burstiness, 5_000, 1234);
        ArrivalSchedule second = ArrivalSchedule.ofCount(4.0, burstiness, 5_000, 1235);

        assertThat(second.offsetsNanos()).isNotEqualTo(first.offsetsNanos());
    }

    @Test
    void durationScheduleEndsInsideWindow() {
        Duration window = Duration.ofSeconds(10);
        ArrivalSchedule schedule = ArrivalSchedule.ofDuration(100.0, 1.0, 0, window, 8);

        long last = schedule.offsetNanos(schedule.size() - 1);
        assertThat(last).isLessThan(window.toNanos());
        assertThat(schedule.size()).isCloseTo(1_000, withinPercentage(10));
    }

    @Test
    void durationWindowStartsAfterLeadingArrivals() {
        Duration window = Duration.ofSeconds(2);
        int leading = 50;
        ArrivalSchedule schedule = ArrivalSchedule.ofDuration(20.0, 1.0, leading, window, 9);
        ArrivalSchedule longer = ArrivalSchedule.ofCount(20.0, 1.0, schedule.size() + 1, 9);

        long windowStart = schedule.offsetNanos(leading);
        long last = schedule.offsetNanos(schedule.size() - 1);
        long next = longer.offsetNanos(schedule.size());
        assertThat(schedule.size()).isGreaterThan(leading);
        assertThat(last - windowStart).isLessThan(window.toNanos());
        assertThat(next - windowStart).isGreaterThanOrEqualTo(window.toNanos());
    }

    @Test
    void durationAndCountSchedulesShareTheirPrefix() {
        ArrivalSchedule byDuration =
                ArrivalSchedule.ofDuration(50.0, 0.7, 0, Duration.ofSeconds(4), 77);
        ArrivalSchedule byCount = ArrivalSchedule.ofCount(50.0, 0.7, byDuration.size(), 77);

        assertThat(byDuration).isEqualTo(byCount);
    }

    @Test
    void forPointCountsWarmupArrivals() {
        LoadPoint point = LoadPoint.openLoop(5.0).requests(100).warmupRequests(10).build();

        ArrivalSchedule schedule = ArrivalSchedule.forPoint(point, 3);

        assertThat(schedule.size()).isEqualTo(110);
    }

    @Test
    void forPointRejectsClosedLoop() {
        LoadPoint point = LoadPoint.closedLoop(4).requests(10).build();

        assertThatThrownBy(() -> ArrivalSchedule.forPoint(point, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("c4")
                .hasMessageContaining("closed loop");
    }

    @ParameterizedTest(name = "rate {0}, burstiness {1}, count {2}")
    @CsvSource({
        "0, 1, 10, invalid request rate 0.0",
        "-2, 1, 10, invalid request rate -2.0",
        "NaN, 1, 10, invalid request rate NaN",
        "1, 0, 10, invalid burstiness 0.0",
        "1, -1, 10, invalid burstiness -1.0",
        "1, NaN, 10, invalid burstiness NaN",
        "1, 1, 0, invalid arrival count 0",
        "1, 1, 16777217, invalid arrival count 16777217",
    })
    void ofCountRejectsInvalidValue(double rate, double burstiness, int count, String message) {
        assertThatThrownBy(() -> ArrivalSchedule.ofCount(rate, burstiness, count, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message)
                .hasMessageContaining("must be");
    }

    @Test
    void ofDurationRejectsInfiniteRate() {
        assertThatThrownBy(() -> ArrivalSchedule.ofDuration(Double.POSITIVE_INFINITY, 1.0, 0,
                Duration.ofSeconds(1), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Infinity")
                .hasMessageContaining("must be finite");
    }

    @Test
    void ofDurationRejectsScheduleOverMaximum() {
        assertThatThrownBy(() -> ArrivalSchedule.ofDuration(1e6, 1.0, 0, Duration.ofHours(1), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than " + ArrivalSchedule.MAX_ARRIVALS)
                .hasMessageContaining("shorten the duration");
    }

    private static double meanGapNanos(ArrivalSchedule schedule) {
        int n = schedule.size();
        return (double) (schedule.offsetNanos(n - 1) - schedule.offsetNanos(0)) / (n - 1);
    }

    private static double[] gapsNanos(ArrivalSchedule schedule) {
        double[] gaps = new double[schedule.size() - 1];
        for (int i = 1; i < schedule.size(); i++) {
            gaps[i - 1] = schedule.offsetNanos(i) - schedule.offsetNanos(i - 1);
        }
        return gaps;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    private static double standardDeviation(double[] values, double mean) {
        double sum = 0;
        for (double v : values) {
            sum += (v - mean) * (v - mean);
        }
        return Math.sqrt(sum / (values.length - 1));
    }
}
