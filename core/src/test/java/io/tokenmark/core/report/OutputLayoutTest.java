package io.tokenmark.core.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class OutputLayoutTest {
    private final Path out = Path.of("target", "tokenmark");

    @Test
    void filesLieInRunFolder() {
        OutputLayout layout = OutputLayout.of(out, "ep8");

        assertThat(layout.runDirectory()).isEqualTo(out.resolve("ep8"));
        assertThat(layout.runFile()).isEqualTo(out.resolve("ep8/run.json"));
        assertThat(layout.requestsFile()).isEqualTo(out.resolve("ep8/requests.jsonl"));
        assertThat(layout.runSummaryFile()).isEqualTo(out.resolve("ep8/summary.json"));
        assertThat(layout.pointSummaryFile("r2.5-c16"))
                .isEqualTo(out.resolve("ep8/summary-r2.5-c16.json"));
    }

    @Test
    void pointLabelIsMadeSafe() {
        OutputLayout layout = OutputLayout.of(out, "ep8");

        assertThat(layout.pointSummaryFile("c 16/../x").getFileName().toString())
                .isEqualTo("summary-c_16_.._x.json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a/b", "..", ".", "run one"})
    void labelMustBeFolderName(String label) {
        assertThatThrownBy(() -> OutputLayout.of(out, label))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid run label '" + label
                        + "': use letters, digits, '.', '_' and '-', such as ep8 or tp4pp2");
    }
}
