package io.tokenmark.core.metric;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ActivityTimelineTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long ORIGIN = 1_000 * SECOND;

    @Test
    void peakCountsTokensPerSecondFromFirstStart() {
        ActivityTimeline timeline = new ActivityTimeline(ORIGIN);
        timeline.addRequest(ORIGIN + SECOND / 2, ORIGIN + 3 * SECOND);
        // Seconds start at the first request's start, 0.5 s after the origin.
        timeline.addTokens(ORIGIN + SECOND / 2 + 10_000_000, 5);
        timeline.addTokens(ORIGIN + SECOND + SECOND / 4, 7);     // same first second
        timeline.addTokens(ORIGIN + 2 * SECOND, 9);              // second second

        assertThat(timeline.peakTokensPerSecond()).isEqualTo(12.0);
    }

    @Test
    void earlierArrivalGrowsBinsBackwards() {
        ActivityTimeline timeline = new ActivityTimeline(ORIGIN);
        timeline.addRequest(ORIGIN - 5 * SECOND, ORIGIN + SECOND);
        timeline.addTokens(ORIGIN, 3);
        timeline.addTokens(ORIGIN - 5 * SECOND + 1, 4);

        assertThat(timeline.peakTokensPerSecond()).isEqualTo(4.0);
    }

    @Test
    void longSpanCoarsensBinsWithinMemoryBound() {
        ActivityTimeline timeline = new ActivityTimeline(ORIGIN);
        long hundredDays = 100L * 24 * 3600 * SECOND;
        timeline.addRequest(ORIGIN, ORIGIN + hundredDays);
        timeline.addTokens(ORIGIN + 1, 2);
        timeline.addTokens(ORIGIN + 2, 3);
        timeline.addTokens(ORIGIN + hundredDays, 4);

        // The bins now span 100 days in at most MAX_BINS bins of about 4.1 s each, so the first
        // two arrivals still share the first second and no token is lost.
        assertThat(timeline.peakTokensPerSecond()).isEqualTo(5.0);
    }

    @Test
    void peakConcurrencyTreatsIntervalsAsHalfOpen() {
        ActivityTimeline timeline = new ActivityTimeline(ORIGIN);
        timeline.addRequest(0, 10);
        timeline.addRequest(10, 20);
        timeline.addRequest(5, 15);
        timeline.addRequest(6, 7);

        assertThat(timeline.peakConcurrency()).isEqualTo(3);
    }

    @Test
    void emptyTimelineHasNoPeak() {
        ActivityTimeline timeline = new ActivityTimeline(ORIGIN);

        assertThat(timeline.peakTokensPerSecond()).isNaN();
        assertThat(timeline.peakConcurrency()).isZero();
    }
}
