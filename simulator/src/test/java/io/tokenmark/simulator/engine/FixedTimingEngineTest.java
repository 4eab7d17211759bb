package io.tokenmark.simulator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.simulator.profile.Profiles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fixed-timing engine in virtual time. */
class FixedTimingEngineTest {
    private static final long MS = 1_000_000;

    private static List<Long> times(EngineModel engine, VirtualClock clock, int output) {
        List<Long> times = new ArrayList<>();
        clock.submit(new Sequence(100, output, (s, n, t) -> times.add(t)));
        return times;
    }

    @Test
    void tokensFollowTtftThenFixedInterval() {
        EngineModel engine = Profiles.fixed(Duration.ofMillis(50), Duration.ofMillis(10))
                .newEngine(1, 1, 0);
        VirtualClock clock = new VirtualClock(engine, 0);
        List<Long> times = times(engine, clock, 4);

        clock.runUntilIdle();

        assertThat(times).containsExactly(50 * MS, 60 * MS, 70 * MS, 80 * MS);
    }

    @Test
    void concurrentRequestsDoNotSlowEachOther() {
        EngineModel engine = Profiles.fixed(Duration.ofMillis(50), Duration.ofMillis(10))
                .newEngine(1, 1, 0);
        VirtualClock clock = new VirtualClock(engine, 0);
        List<List<Long>> all = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            all.add(times(engine, clock, 3));
        }
        clock.runUntil(5 * MS);
        List<Long> late = times(engine, clock, 3);

        clock.runUntilIdle();

        for (List<Long> times : all) {
            assertThat(times).containsExactly(50 * MS, 60 * MS, 70 * MS);
        }
        assertThat(late).containsExactly(55 * MS, 65 * MS, 75 * MS);
    }

    @Test
    void severalTokensPerEventAfterTheFirst() {
        EngineModel engine = Profiles.fixed(Duration.ofMillis(5), Duration.ofMillis(1))
                .newEngine(1, 3, 0);
        VirtualClock clock = new VirtualClock(engine, 0);
        List<Integer> counts = new ArrayList<>();
        clock.submit(new Sequence(10, 8, (s, n, t) -> counts.add(n)));

        clock.runUntilIdle();

        assertThat(counts).containsExactly(1, 3, 3, 1);
    }

    @Test
    void abortStopsTokens() {
        EngineModel engine = Profiles.fixed(Duration.ofMillis(5), Duration.ofMillis(1))
                .newEngine(1, 1, 0);
        VirtualClock clock = new VirtualClock(engine, 0);
        Sequence sequence = new Sequence(10, 100, (s, n, t) -> {
            if (s.generatedTokens() == 2) {
                engine.abort(s);
            }
        });
        clock.submit(sequence);

        clock.runUntilIdle();

        assertThat(sequence.generatedTokens()).isEqualTo(2);
        assertThat(engine.runningSequences()).isZero();
    }

    @Test
    void timeScaleMultipliesDurations() {
        EngineModel engine = Profiles.fixed(Duration.ofMillis(50), Duration.ofMillis(10))
                .newEngine(0.1, 1, 0);
        VirtualClock clock = new VirtualClock(engine, 0);
        List<Long> times = times(engine, clock, 2);

        clock.runUntilIdle();

        assertThat(times).containsExactly(5 * MS, 6 * MS);
    }
}
