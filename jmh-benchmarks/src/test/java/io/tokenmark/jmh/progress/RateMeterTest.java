package io.tokenmark.jmh.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RateMeterTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void rateIsUnknownBeforeTwoSamples() {
        RateMeter meter = new RateMeter(10 * SECOND);
        meter.sample(0, 5);

        assertThat(meter.perSecond()).isNaN();
    }

    @Test
    void rateDividesIncreaseByTime() {
        RateMeter meter = new RateMeter(10 * SECOND);
        meter.sample(0, 0);
        meter.sample(2 * SECOND, 10);

        assertThat(meter.perSecond()).isCloseTo(5.0, within(1e-9));
    }

    @Test
    void rateForgetsSamplesOlderThanWindow() {
        RateMeter meter = new RateMeter(2 * SECOND);
        meter.sample(0, 0);
        meter.sample(SECOND, 100);
        for (int s = 2; s <= 10; s++) {
            meter.sample(s * SECOND, 100 + (s - 1));
        }

        assertThat(meter.perSecond()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void resetForgetsEverySample() {
        RateMeter meter = new RateMeter(SECOND);
        meter.sample(0, 0);
        meter.sample(SECOND, 3);
        meter.reset();

        assertThat(meter.perSecond()).isNaN();
    }
}
