package io.tokenmark.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.RunnerException;

/**
 * Checks the order in which {@link SloSearch} probes concurrencies, with latencies computed from
 * a formula instead of measured, so that the right result is known.
 */
class SloSearchOrderTest {
    private static final SloSearch.Limits LIMITS = new SloSearch.Limits(1000, 50);

    /** Returns a search whose TPOT p99 at concurrency c is {@code tpot(c)} and TTFT p99 100 ms. */
    private static SloSearch searchWith(int max, IntToDoubleFunction tpot) {
        return new SloSearch(LIMITS, max, concurrency -> {
            double value = tpot.applyAsDouble(concurrency);
            return new SloSearch.Probe(concurrency, 100, value, 0, LIMITS.metBy(100, value, 0));
        });
    }

    private static int[] probed(SloSearch.Outcome outcome) {
        return outcome.probes().stream().mapToInt(SloSearch.Probe::concurrency).toArray();
    }

    @Test
    void searchDoublesThenBisects() throws RunnerException {
        // TPOT p99 = 20 + 2.5 c ms meets 50 ms up to c = 12.
        SloSearch.Outcome outcome = searchWith(64, c -> 20 + 2.5 * c).run();

        assertThat(outcome.highestConcurrency()).isEqualTo(12);
        assertThat(probed(outcome)).containsExactly(1, 2, 4, 8, 16, 12, 14, 13);
    }

    @Test
    void searchStopsAtMaximumWhenEveryProbeMeets() throws RunnerException {
        SloSearch.Outcome outcome = searchWith(10, c -> 10).run();

        assertThat(outcome.highestConcurrency()).isEqualTo(10);
        assertThat(probed(outcome)).containsExactly(1, 2, 4, 8, 10);
    }

    @Test
    void searchReportsZeroWhenConcurrencyOneMisses() throws RunnerException {
        SloSearch.Outcome outcome = searchWith(64, c -> 80).run();

        assertThat(outcome.highestConcurrency()).isZero();
        assertThat(probed(outcome)).containsExactly(1);
    }

    @Test
    void failedRequestMissesObjectives() {
        assertThat(LIMITS.metBy(100, 10, 1)).isFalse();
        assertThat(LIMITS.metBy(100, 10, 0)).isTrue();
        assertThat(LIMITS.metBy(1001, 10, 0)).isFalse();
    }
}
