package io.tokenmark.simulator.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The continuous-batching engine in virtual time, with round step costs. */
class BatchingEngineTest {
    private static final long MS = 1_000_000;

    /** Step = 10 ms + 1 ms per decoding sequence + 20 ms per prefill step + 0.01 ms per token. */
    private static BatchingProfile.Builder simpleProfile() {
        return BatchingProfile.builder("test")
                .maxRunningSequences(256)
                .maxBatchedTokens(2048)
                .kvCacheTokens(1_000_000)
                .maxModelTokens(32_768)
                .stepBaseNanos(10 * MS)
                .perDecodeSequenceNanos(1 * MS)
                .prefillBaseNanos(20 * MS)
                .perPrefillTokenNanos(0.01 * MS);
    }

    /** Records every token event of one sequence. */
    private static final class Recorder implements SequenceListener {
        final List<Long> times = new ArrayList<>();
        final List<Integer> counts = new ArrayList<>();
        long finishedNanos = -1;

        @Override
        public void onTokens(Sequence sequence, int newTokens, long timeNanos) {
            times.add(timeNanos);
            counts.add(newTokens);
            if (sequence.isFinished()) {
                finishedNanos = timeNanos;
            }
        }

        long first() {
            return times.get(0);
        }

        double meanGapNanos() {
            return (double) (times.get(times.size() - 1) - times.get(0)) / (times.size() - 1);
        }
    }

    private static List<Recorder> runAllAtOnce(BatchingProfile profile, int sequences,
            int prompt, int output) {
        EngineModel engine = profile.newEngine(1, 1, 7);
        VirtualClock clock = new VirtualClock(engine, 0);
        List<Recorder> recorders = new ArrayList<>();
        for (int i = 0; i < sequences; i++) {
            Recorder recorder = new Recorder();
            recorders.add(recorder);
            clock.submit(new Sequence(prompt, output, recorder));
        }
        clock.runUntilIdle();
        return recorders;
    }

    @Test
    void singleSequenceTimesFollowStepFormula() {
        List<Recorder> result = runAllAtOnce(simpleProfile().build(), 1, 1000, 5);
        Recorder recorder = result.get(0);

        // Prefill step: 10 + 20 + 1000 × 0.01 = 40 ms; each decode step: 10 + 1 = 11 ms.
        assertThat(recorder.times).containsExactly(40 * MS, 51 * MS, 62 * MS, 73 * MS, 84 * MS);
        assertThat(recorder.finishedNanos).isEqualTo(84 * MS);
    }

    @Test
    void admissionDelayShiftsFirstToken() {
        BatchingProfile profile = simpleProfile().admissionDelayNanos(5 * MS).build();

        Recorder recorder = runAllAtOnce(profile, 1, 1000, 2).get(0);

        assertThat(recorder.first()).isEqualTo(45 * MS);
    }

    @Test
    void longPromptIsPrefilledInChunks() {
        // 5,000 tokens at 2,048 per step: chunks of 2048, 2048 and 904.
        Recorder recorder = runAllAtOnce(simpleProfile().build(), 1, 5000, 1).get(0);

        long expected = 3 * (30 * MS) + Math.round((5000 * 0.01) * MS);
        assertThat(recorder.first()).isEqualTo(expected);
    }

    @Test
    void queueingRaisesTimeToFirstToken() {
        BatchingProfile profile = simpleProfile().maxRunningSequences(2).maxBatchedTokens(2048)
                .build();

        List<Recorder> recorders = runAllAtOnce(profile, 6, 500, 20);

        // Two run at once; the others wait for a slot, each pair later than the one before.
        assertThat(recorders.get(2).first()).isGreaterThan(recorders.get(1).first());
        assertThat(recorders.get(4).first()).isGreaterThan(recorders.get(2).first());
        assertThat(recorders.get(2).first()).isGreaterThanOrEqualTo(recorders.get(0).finishedNanos);
    }

    @Test
    void moreConcurrencyRaisesMeanTimeToFirstToken() {
        BatchingProfile profile = simpleProfile().build();

        double alone = meanFirst(runAllAtOnce(profile, 1, 1000, 50));
        double crowded = meanFirst(runAllAtOnce(profile, 32, 1000, 50));

        assertThat(crowded).isGreaterThan(3 * alone);
    }

    @Test
    void batchSizeRaisesTimePerOutputToken() {
        BatchingProfile profile = simpleProfile().build();

        double alone = runAllAtOnce(profile, 1, 100, 200).get(0).meanGapNanos();
        double batched = runAllAtOnce(profile, 32, 100, 200).get(0).meanGapNanos();

        assertThat(alone).isEqualTo(11.0 * MS);
        // Pure decode steps with 32 sequences take 10 + 32 = 42 ms.
        assertThat(batched).isGreaterThan(40.0 * MS);
    }

    @Test
    void contextLengthRaisesDecodeStep() {
        BatchingProfile profile = simpleProfile().perContextTokenNanos(1000).build();

        Recorder recorder = runAllAtOnce(profile, 1, 1000, 3).get(0);

        // First decode step: context 1000 prompt + 1 generated token = 1001 µs extra.
        assertThat(recorder.times.get(1) - recorder.times.get(0)).isEqualTo(11 * MS + 1_001_000);
    }

    @Test
    void kvCacheLimitsAdmission() {
        // Each sequence reserves 1000 + 100 tokens; the cache holds two of them.
        BatchingProfile profile = simpleProfile().maxModelTokens(2000).kvCacheTokens(2500).build();

        List<Recorder> recorders = runAllAtOnce(profile, 3, 1000, 100);

        assertThat(recorders.get(2).first()).isGreaterThan(recorders.get(0).finishedNanos);
        assertThat(recorders.get(1).first()).isLessThan(recorders.get(0).finishedNanos);
    }

    @Test
    void sequenceLargerThanCacheIsRejected() {
        EngineModel engine = simpleProfile().maxModelTokens(2000).kvCacheTokens(2000).build()
                .newEngine(1, 1, 0);

        assertThatThrownBy(() -> engine.submit(new Sequence(1900, 200, (s, n, t) -> { }), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not fit the KV cache");
    }

    @Test
    void tokensPerStepEmitsSeveralTokensPerEvent() {
        EngineModel engine = simpleProfile().build().newEngine(1, 4, 0);
        VirtualClock clock = new VirtualClock(engine, 0);
        Recorder recorder = new Recorder();
        clock.submit(new Sequence(100, 10, recorder));

        clock.runUntilIdle();

        // The prefill step emits one token, then steps of four, the last cut to what is left.
        assertThat(recorder.counts).containsExactly(1, 4, 4, 1);
    }

    @Test
    void abortedSequenceGetsNoTokensAndFreesItsSlot() {
        BatchingProfile profile = simpleProfile().maxRunningSequences(1).build();
        EngineModel engine = profile.newEngine(1, 1, 0);
        VirtualClock clock = new VirtualClock(engine, 0);
        Recorder second = new Recorder();
        Sequence[] first = new Sequence[1];
        first[0] = new Sequence(100, 1000, (sequence, n, t) -> {
            if (sequence.generatedTokens() == 3) {
                engine.abort(sequence);
            }
        });
        clock.submit(first[0]);
        clock.submit(new Sequence(100, 5, second));

        clock.runUntilIdle();

        assertThat(first[0].state()).isEqualTo(Sequence.State.ABORTED);
        assertThat(first[0].generatedTokens()).isEqualTo(3);
        assertThat(second.times).hasSize(5);
    }

    @Test
    void jitterIsSeededAndBounded() {
        BatchingProfile profile = simpleProfile().jitter(0.2).build();

        List<Long> a = runAllAtOnce(profile, 1, 100, 50).get(0).times;
        List<Long> b = runAllAtOnce(profile, 1, 100, 50).get(0).times;

        assertThat(a).isEqualTo(b);
        for (int i = 1; i < a.size(); i++) {
            long gap = a.get(i) - a.get(i - 1);
            assertThat(gap).isBetween(Math.round(11 * MS * 0.8), Math.round(11 * MS * 1.2));
        }
        assertThat(a.get(2) - a.get(1)).isNotEqualTo(a.get(3) - a.get(2));
    }

    @Test
    void timeScaleMultipliesDurations() {
        EngineModel engine = simpleProfile().build().newEngine(0.5, 1, 0);
        VirtualClock clock = new VirtualClock(engine, 0);
        Recorder recorder = new Recorder();
        clock.submit(new Sequence(1000, 2, recorder));

        clock.runUntilIdle();

        assertThat(recorder.times).containsExactly(20 * MS, Math.round(25.5 * MS));
    }

    @Test
    void submittingTwiceIsRejected() {
        EngineModel engine = simpleProfile().build().newEngine(1, 1, 0);
        Sequence sequence = new Sequence(10, 10, (s, n, t) -> { });
        engine.submit(sequence, 0);

        assertThatThrownBy(() -> engine.submit(sequence, 0))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void lateDriverReanchorsInsteadOfBursting() {
        EngineModel engine = simpleProfile().build().newEngine(1, 1, 0);
        Recorder recorder = new Recorder();
        engine.submit(new Sequence(1000, 4, recorder), 0);
        engine.advanceTo(0);

        engine.advanceTo(40 * MS);
        // The driver wakes 30 ms late for the next step: one step completes, the next starts now.
        engine.advanceTo(81 * MS);
        engine.advanceTo(engine.nextEventNanos());

        assertThat(recorder.times).containsExactly(40 * MS, 51 * MS, 92 * MS);
    }

    @Test
    void builderRejectsInvalidValues() {
        List<Consumer<BatchingProfile.Builder>> invalid = List.of(
                b -> b.maxRunningSequences(0),
                b -> b.maxBatchedTokens(100).maxRunningSequences(200),
                b -> b.kvCacheTokens(10),
                b -> b.stepBaseNanos(-1),
                b -> b.perPrefillTokenNanos(Double.NaN),
                b -> b.jitter(1),
                b -> b.stepBaseNanos(0).perDecodeSequenceNanos(0));
        for (Consumer<BatchingProfile.Builder> change : invalid) {
            BatchingProfile.Builder builder = simpleProfile();
            change.accept(builder);
            assertThatThrownBy(builder::build)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("test");
        }
    }

    private static double meanFirst(List<Recorder> recorders) {
        return recorders.stream().mapToLong(Recorder::first).average().orElseThrow();
    }
}
