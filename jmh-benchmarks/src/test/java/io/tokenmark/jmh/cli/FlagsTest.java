package io.tokenmark.jmh.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FlagsTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "500ms, 500000000",
        "30s, 30000000000",
        "1.5s, 1500000000",
        "5m, 300000000000",
        "2h, 7200000000000",
        "PT30S, 30000000000",
        "0, 0",
        "0.25ms, 250000"
    })
    void durationReadsUnits(String text, long nanos) {
        assertThat(Flags.parseDuration("--duration", text, true)).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"500ms", "30s", "5m", "2h", "1500ms", "0.25ms", "0"})
    void durationFormatReadsBack(String text) {
        Duration duration = Flags.parseDuration("--duration", text, true);

        assertThat(Flags.formatDuration(duration)).isEqualTo(text);
    }

    @Test
    void durationWithoutUnitIsRejected() {
        assertThatThrownBy(() -> Flags.parseDuration("--read-timeout", "30", true))
                .isInstanceOf(UsageException.class)
                .hasMessage("invalid --read-timeout '30': give a number with a unit (ms, s, m or h),"
                        + " such as 500ms, 30s or 5m");
    }

    @Test
    void zeroDurationIsRejectedWhereNotAllowed() {
        assertThatThrownBy(() -> Flags.parseDuration("--duration", "0s", false))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("must be longer than 0");
    }

    @Test
    void intListKeepsOrder() {
        assertThat(Flags.parseIntList("--concurrency", " 1, 10,50 ,100", 1, 1000, true))
                .containsExactly(1, 10, 50, 100);
    }

    @Test
    void intListMayRepeatWhereAllowed() {
        assertThat(Flags.parseIntList("--number", "5,5", 1, 1000, false)).containsExactly(5, 5);
    }

    @Test
    void ratesReadInfinity() {
        assertThat(Flags.parseRates("--rate", "0.5,2,inf"))
                .containsExactly(0.5, 2.0, Double.POSITIVE_INFINITY);
        assertThat(Flags.formatList(new double[] {0.5, 2, Double.POSITIVE_INFINITY}))
                .isEqualTo("0.5,2,inf");
    }

    @Test
    void doubleOutsideBoundsNamesRange() {
        assertThatThrownBy(() -> Flags.parseDouble("--range-ratio", "-0.1", 0, true, 1, false,
                "a number from 0 up to, but not including, 1"))
                .isInstanceOf(UsageException.class)
                .hasMessage("invalid --range-ratio '-0.1': must be a number from 0 up to, but not"
                        + " including, 1");
    }

    @Test
    void booleanAcceptsOnlyTrueOrFalse() {
        assertThat(Flags.parseBoolean("--insecure", "TRUE")).isTrue();
        assertThatThrownBy(() -> Flags.parseBoolean("--insecure", "yes"))
                .hasMessageContaining("use true or false");
    }
}
