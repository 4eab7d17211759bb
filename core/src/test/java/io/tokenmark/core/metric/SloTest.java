package io.tokenmark.core.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SloTest {
    @Test
    void parseReadsPairs() {
        Slo slo = Slo.parse("ttft=500, tpot=50,itl=25.5,e2el=10000");

        assertThat(slo.metrics())
                .containsExactlyInAnyOrder(Metric.TTFT, Metric.TPOT, Metric.ITL, Metric.E2EL);
        assertThat(slo.limitMillis(Metric.TTFT)).hasValue(500);
        assertThat(slo.limitMillis(Metric.ITL)).hasValue(25.5);
    }

    @Test
    void parseAcceptsVllmColons() {
        assertThat(Slo.parse("ttft:500,tpot:50")).isEqualTo(Slo.parse("ttft=500,tpot=50"));
    }

    @Test
    void blankTextIsNoSlo() {
        assertThat(Slo.parse(" ").isEmpty()).isTrue();
        assertThat(Slo.parse(null)).isSameAs(Slo.none());
    }

    @Test
    void textRoundTrips() {
        Slo slo = Slo.parse("tpot=50,ttft=500.5");

        assertThat(slo.toString()).isEqualTo("ttft=500.5,tpot=50");
        assertThat(Slo.parse(slo.toString())).isEqualTo(slo);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ttft", "ttft=", "=500", "ttft=fast", "icl=20", "tokens=3"})
    void parseRejectsInvalidPair(String text) {
        assertThatThrownBy(() -> Slo.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid SLO")
                .hasMessageContaining("ttft=500,tpot=50");
    }

    @Test
    void parseRejectsNegativeLimit() {
        assertThatThrownBy(() -> Slo.parse("ttft=-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid SLO ttft=-1.0: the limit must be a finite number of"
                        + " milliseconds, at least 0");
    }

    @Test
    void withRejectsMetricWithoutSlo() {
        assertThatThrownBy(() -> Slo.none().with(Metric.ICL, 20))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid SLO metric icl: use ttft, tpot, itl or e2el");
    }

    @Test
    void withRejectsInfiniteLimit() {
        assertThatThrownBy(() -> Slo.none().with(Metric.TTFT, Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid SLO ttft=Infinity: the limit must be a finite number of"
                        + " milliseconds, at least 0");
    }
}
