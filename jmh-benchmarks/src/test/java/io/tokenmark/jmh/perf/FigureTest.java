package io.tokenmark.jmh.perf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FigureTest {
    @Test
    void atMostTargetPassesAtTheBound() {
        Figure figure = new Figure("error p99", 100, "µs", Figure.Target.atMost(100));

        assertThat(figure.verdict()).isEqualTo("PASS");
        assertThat(figure.formattedTarget()).isEqualTo("<= 100 µs");
    }

    @Test
    void atLeastTargetMissesBelowTheBound() {
        Figure figure = new Figure("rate", 199_999.5, "events/s", Figure.Target.atLeast(200_000));

        assertThat(figure.verdict()).isEqualTo("MISS");
        assertThat(figure.formattedValue()).isEqualTo("200,000 events/s");
        assertThat(figure.formattedTarget()).isEqualTo(">= 200,000 events/s");
    }

    @Test
    void unmeasuredValueMissesItsTarget() {
        Figure figure = new Figure("rate", Double.NaN, "events/s", Figure.Target.atLeast(1));

        assertThat(figure.verdict()).isEqualTo("MISS");
        assertThat(figure.formattedValue()).isEqualTo("n/a events/s");
    }

    @Test
    void figureWithoutTargetHasNoVerdict() {
        Figure figure = Figure.info("busy share", 0.4567, "");

        assertThat(figure.verdict()).isEmpty();
        assertThat(figure.formattedTarget()).isEmpty();
        assertThat(figure.formattedValue()).isEqualTo("0.457");
    }

    @Test
    void numbersKeepThreeSignificantDecimalsBelowOne() {
        assertThat(Figure.format(58.523)).isEqualTo("58.52");
        assertThat(Figure.format(495.64)).isEqualTo("495.6");
        assertThat(Figure.format(-5810.5)).isEqualTo("-5,811");
        assertThat(Figure.format(0.0123)).isEqualTo("0.012");
        assertThat(Figure.format(3)).isEqualTo("3");
    }

    @Test
    void tablePrintsOneTaggedRowPerFigure() {
        FigureTable table = new FigureTable("Demo")
                .add(new Figure("a", 1, "ms", Figure.Target.atMost(2)))
                .add(new Figure("b", 3, "ms", Figure.Target.atMost(2)))
                .add(Figure.info("c", 4, "ms"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        table.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String[] lines = bytes.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertThat(lines).hasSize(4);
        assertThat(lines[0]).isEqualTo("Figures of Demo:");
        assertThat(lines[1]).startsWith("FIGURE | Demo | a | 1 ms | <= 2 ms | PASS");
        assertThat(lines[2]).endsWith("| MISS");
        assertThat(lines[3]).startsWith("FIGURE | Demo | c | 4 ms |").doesNotContain("PASS");
        assertThat(table.allTargetsMet()).isFalse();
    }
}
