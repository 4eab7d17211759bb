package io.tokenmark.core.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LoadDescriptionTest {
    @Test
    void closedLoopLabelNamesUsers() {
        LoadDescription load = LoadDescription.closedLoop(16).withPlannedRequests(64);

        assertThat(load.label()).isEqualTo("c16");
        assertThat(load.concurrencyLimit()).isEqualTo(16);
        assertThat(load.plannedRequests()).isEqualTo(64L);
        assertThat(load.finiteRatePerSecond()).isNaN();
    }

    @Test
    void openLoopLabelNamesRateAndCap() {
        assertThat(LoadDescription.openLoop(2.5, 1, null).label()).isEqualTo("r2.5");
        assertThat(LoadDescription.openLoop(8, 0.5, 32).label()).isEqualTo("r8-c32");
        assertThat(LoadDescription.openLoop(Double.POSITIVE_INFINITY, 1, null).label())
                .isEqualTo("rinf");
        assertThat(LoadDescription.openLoop(8, 1, 32).concurrencyLimit()).isEqualTo(32);
        assertThat(LoadDescription.openLoop(8, 1, null).concurrencyLimit()).isNull();
    }

    @Test
    void closedLoopRejectsZeroUsers() {
        assertThatThrownBy(() -> LoadDescription.closedLoop(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid concurrency 0: must be at least 1");
    }

    @Test
    void openLoopRejectsZeroRate() {
        assertThatThrownBy(() -> LoadDescription.openLoop(0, 1, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid request rate 0.0: must be above 0 requests per second,"
                        + " or infinite");
    }

    @Test
    void openLoopRejectsInfiniteBurstiness() {
        assertThatThrownBy(() -> LoadDescription.openLoop(1, Double.POSITIVE_INFINITY, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid burstiness Infinity: must be a finite number above 0"
                        + " (1 is Poisson)");
    }

    @Test
    void closedLoopRejectsRate() {
        assertThatThrownBy(() -> new LoadDescription("c1", LoadDescription.Mode.CLOSED_LOOP, 1,
                2.0, null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a closed loop point has no rate, but 2.0 was given");
    }

    @Test
    void plannedDurationMustBePositive() {
        assertThatThrownBy(() -> LoadDescription.closedLoop(1).withPlannedDurationSeconds(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid planned duration 0.0 s: must be a finite number of seconds"
                        + " above 0");
    }

    @Test
    void summaryContextRejectsBusyShareAboveOne() {
        SummaryContext context = SummaryContext.of(LoadDescription.closedLoop(1));

        assertThatThrownBy(() -> context.withEventLoopBusyShare(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid event-loop busy share 1.5: must be from 0 to 1, or NaN when"
                        + " not measured");
    }
}
