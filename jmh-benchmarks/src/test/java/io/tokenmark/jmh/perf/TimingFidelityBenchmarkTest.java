package io.tokenmark.jmh.perf;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.core.client.TokenEvent;
import io.tokenmark.simulator.truth.RequestTruth;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class TimingFidelityBenchmarkTest {
    private static TokenArrivals arrivals(long... nanos) {
        TokenArrivals arrivals = new TokenArrivals(1, new CountDownLatch(1));
        for (long arrival : nanos) {
            arrivals.onTokenEvent(new ArrivalOnly(arrival));
        }
        return arrivals;
    }

    private static RequestTruth truth(long... flushNanos) {
        return new RequestTruth("r", "chatcmpl-1", 0, 10, flushNanos.length, flushNanos,
                new int[flushNanos.length], RequestTruth.Outcome.COMPLETED, "none", 0);
    }

    /** A token event that carries only its arrival time. */
    private record ArrivalOnly(long arrivalNanos) implements TokenEvent {
        @Override
        public int eventIndex() {
            return 0;
        }

        @Override
        public boolean hasReasoning() {
            return false;
        }

        @Override
        public boolean hasAnswer() {
            return true;
        }

        @Override
        public int cumulativeCompletionTokens() {
            return -1;
        }

        @Override
        public CharSequence reasoningText() {
            return null;
        }

        @Override
        public CharSequence answerText() {
            return null;
        }
    }

    @Test
    void errorIsArrivalMinusFlushPerEvent() {
        SignedSamples errors = new SignedSamples();

        long unmatched = TimingFidelityBenchmark.addErrors(arrivals(1_050, 2_020, 2_990),
                truth(1_000, 2_000, 3_000), errors);

        assertThat(unmatched).isZero();
        assertThat(errors.count()).isEqualTo(3);
        assertThat(errors.min()).isEqualTo(-10);
        assertThat(errors.max()).isEqualTo(50);
        assertThat(errors.percentile(50)).isEqualTo(20);
    }

    @Test
    void eventsWithoutFlushTimeAreUnmatched() {
        SignedSamples errors = new SignedSamples();

        long unmatched = TimingFidelityBenchmark.addErrors(arrivals(1_050, 2_020),
                truth(1_000, -1), errors);

        assertThat(unmatched).isEqualTo(1);
        assertThat(errors.count()).isEqualTo(1);
    }

    @Test
    void eventsOnOneSideOnlyAreUnmatched() {
        SignedSamples errors = new SignedSamples();

        long unmatched = TimingFidelityBenchmark.addErrors(arrivals(1_050),
                truth(1_000, 2_000, 3_000), errors);

        assertThat(unmatched).isEqualTo(2);
        assertThat(errors.count()).isEqualTo(1);
    }

    @Test
    void smallRunMatchesEveryTokenEvent() throws InterruptedException {
        TimingFidelityBenchmark.Settings settings =
                new TimingFidelityBenchmark.Settings(List.of(3), 5, 10, 8, 1);

        TimingFidelityBenchmark.Level level = TimingFidelityBenchmark.measure(settings, 3);

        assertThat(level.failedRequests()).isZero();
        assertThat(level.unmatchedEvents()).isZero();
        assertThat(level.errorsNanos().count()).isEqualTo(3 * 8);
        assertThat(level.busyShare()).isBetween(0.0, 1.0);
    }

    @Test
    void targetAppliesOnlyAtTargetLevel() {
        SignedSamples errors = new SignedSamples();
        errors.add(50_000);
        TimingFidelityBenchmark.Settings settings =
                new TimingFidelityBenchmark.Settings(List.of(100, 1000), 20, 50, 10, 1);

        FigureTable table = TimingFidelityBenchmark.figures(settings, List.of(
                new TimingFidelityBenchmark.Level(100, errors, 0, 0, 0.1),
                new TimingFidelityBenchmark.Level(1000, errors, 0, 0, 0.1)));

        List<Figure> p99 = table.figures().stream()
                .filter(f -> f.name().startsWith("error p99")).toList();
        assertThat(p99).hasSize(2);
        assertThat(p99.get(0).target()).isNull();
        assertThat(p99.get(1).target()).isEqualTo(Figure.Target.atMost(100));
        assertThat(p99.get(1).value()).isEqualTo(50.0);
        assertThat(p99.get(1).verdict()).isEqualTo("PASS");
    }
}
