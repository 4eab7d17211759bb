package io.tokenmark.jmh.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressConsoleTest {
    private final StringWriter text = new StringWriter();
    private final PrintWriter out = new PrintWriter(text, true);

    @Test
    void terminalRedrawsLineInPlace() {
        ProgressConsole console = ProgressConsole.terminal(out, 80);

        console.showProgress("c1  1/10 requests");
        console.showProgress("c1  2/10 requests");

        assertThat(text.toString())
                .isEqualTo("\rc1  1/10 requests\u001b[K\rc1  2/10 requests\u001b[K");
    }

    @Test
    void terminalErasesProgressLineBeforeBlock() {
        ProgressConsole console = ProgressConsole.terminal(out, 80);

        console.showProgress("c1  9/10 requests");
        console.print("table\n");

        assertThat(text.toString()).isEqualTo("\rc1  9/10 requests\u001b[K\r\u001b[Ktable\n");
    }

    @Test
    void terminalWithoutProgressLinePrintsBlockAsIs() {
        ProgressConsole console = ProgressConsole.terminal(out, 80);

        console.print("table\n");

        assertThat(text.toString()).isEqualTo("table\n");
    }

    @Test
    void terminalCutsLineThatWouldWrap() {
        ProgressConsole console = ProgressConsole.terminal(out, 20);

        console.showProgress("c1  1/10 requests  1 in flight");

        assertThat(text.toString()).isEqualTo("\rc1  1/10 requests  \u001b[K");
    }

    @Test
    void plainPrintsProgressLines() {
        ProgressConsole console = ProgressConsole.plain(out);

        console.showProgress("c1  1/10 requests");
        console.print("table\n");

        assertThat(text.toString()).isEqualTo("c1  1/10 requests" + System.lineSeparator()
                + "table\n");
        assertThat(text.toString()).doesNotContain("\r", "\u001b");
    }

    @Test
    void offPrintsBlocksOnly() {
        ProgressConsole console = ProgressConsole.off(out);

        console.showProgress("c1  1/10 requests");
        console.print("table\n");

        assertThat(text.toString()).isEqualTo("table\n");
    }
}
