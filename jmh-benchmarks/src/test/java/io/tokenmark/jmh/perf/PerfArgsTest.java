package io.tokenmark.jmh.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PerfArgsTest {
    private static final Set<String> KNOWN = Set.of("--streams", "--itl-ms");

    @Test
    void valuesAndDefaultsAreRead() {
        PerfArgs args = new PerfArgs(new String[] {"--streams", "1, 100,1000"}, KNOWN);

        assertThat(args.positiveInts("--streams", List.of(5))).containsExactly(1, 100, 1000);
        assertThat(args.positiveDouble("--itl-ms", 20)).isEqualTo(20);
    }

    @Test
    void unknownOptionIsRejected() {
        assertThatThrownBy(() -> new PerfArgs(new String[] {"--stream", "1"}, KNOWN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown option '--stream'")
                .hasMessageContaining("--itl-ms, --streams");
    }

    @Test
    void optionWithoutValueIsRejected() {
        assertThatThrownBy(() -> new PerfArgs(new String[] {"--streams"}, KNOWN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("option --streams has no value");
    }

    @Test
    void nonPositiveIntegerIsRejected() {
        PerfArgs args = new PerfArgs(new String[] {"--streams", "1,0"}, KNOWN);

        assertThatThrownBy(() -> args.positiveInts("--streams", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid --streams '0'")
                .hasMessageContaining("from 1 to");
    }

    @Test
    void nonNumericDoubleIsRejected() {
        PerfArgs args = new PerfArgs(new String[] {"--itl-ms", "fast"}, KNOWN);

        assertThatThrownBy(() -> args.positiveDouble("--itl-ms", 20))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid --itl-ms 'fast'")
                .hasMessageContaining("positive number");
    }
}
