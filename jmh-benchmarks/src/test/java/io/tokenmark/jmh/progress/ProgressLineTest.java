package io.tokenmark.jmh.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
    private static long seconds(long s) {
        return TimeUnit.SECONDS.toNanos(s);
    }

    @Test
    void lineShowsCountsRatesErrorsAndEta() {
        ProgressSnapshot snapshot = new ProgressSnapshot("c10", 0, 0, 45, 100, 10, 2, 3.25,
                812.4, seconds(14), 0, seconds(17));

        assertThat(ProgressLine.format(snapshot)).isEqualTo("c10  45/100 requests [0:14<0:17]"
                + "  10 in flight  3.3 req/s  812 tok/s  2 errors");
    }

    @Test
    void lineShowsWarmupBeforeMeasuredRequests() {
        ProgressSnapshot snapshot = new ProgressSnapshot("c4", 2, 5, 0, 100, 4, 0, Double.NaN,
                Double.NaN, seconds(3), 0, -1);

        assertThat(ProgressLine.format(snapshot)).startsWith("c4  warm-up 2/5 [0:03<?]  4 in flight")
                .contains("- req/s  - tok/s");
    }

    @Test
    void lineShowsTimeLeftOfTimedPoint() {
        ProgressSnapshot snapshot = new ProgressSnapshot("r2.5", 0, 0, 30, 0, 3, 1, 2.5, 100,
                seconds(20), seconds(60), seconds(40));

        assertThat(ProgressLine.format(snapshot)).startsWith("r2.5  30 requests [0:20<0:40]")
                .endsWith("1 error");
    }

    @Test
    void clockShowsHoursFromOneHour() {
        assertThat(ProgressLine.clock(seconds(3_725))).isEqualTo("1:02:05");
        assertThat(ProgressLine.clock(seconds(59))).isEqualTo("0:59");
    }

    @Test
    void timesStayInFirstFortyColumns() {
        ProgressSnapshot snapshot = new ProgressSnapshot("c100", 0, 0, 1_950, 2_000, 100, 12,
                98.7, 25_432.1, seconds(1_234), 0, seconds(61));

        assertThat(ProgressLine.format(snapshot).indexOf(']')).isLessThan(40);
    }
}
