package io.tokenmark.simulator.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The fault header syntax and the share-based plan. */
class FaultTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "none                          | NONE          | 0 | 0   | 0    | 0",
        "http_429                      | HTTP_STATUS   | 0 | 429 | 0    | 0",
        "HTTP_503                      | HTTP_STATUS   | 0 | 503 | 0    | 0",
        "error_after=0                 | ERROR         | 0 | 0   | 0    | 0",
        "reset_after=5                 | RESET         | 5 | 0   | 0    | 0",
        " stall_after = 3              | STALL         | 3 | 0   | 0    | 0",
        "close_after=2                 | CLOSE         | 2 | 0   | 0    | 0",
        "malformed_after=1             | MALFORMED     | 1 | 0   | 0    | 0",
        "oversize_after=4              | OVERSIZE      | 4 | 0   | 0    | 0",
        "oversize_after=4;bytes=65536  | OVERSIZE      | 4 | 0   | 0    | 65536",
        "headers_never                 | HEADERS_NEVER | 0 | 0   | 0    | 0",
        "slow_headers=250              | SLOW_HEADERS  | 0 | 0   | 250  | 0",
        "trickle                       | TRICKLE       | 0 | 0   | 1000 | 0",
        "trickle=20                    | TRICKLE       | 0 | 0   | 20   | 0"})
    void parseReadsEveryForm(String text, Fault.Kind kind, int after, int status, long millis,
            int bytes) {
        Fault fault = Fault.parse(text);

        assertThat(fault).isEqualTo(new Fault(kind, after, status, millis, bytes));
        assertThat(Fault.parse(fault.toString())).isEqualTo(fault);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"", "boom", "http_200", "http_600", "http_abc", "reset_after",
        "reset_after=-1", "reset_after=x", "headers_never=3", "trickle=0",
        "oversize_after=1;bytes=10", "stall_after=1;bytes=2000", "oversize_after=1;size=4000"})
    void parseRejectsInvalidValueNamingIt(String text) {
        assertThatThrownBy(() -> Fault.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid fault '" + text + "'")
                .hasMessageContaining("reset_after=K");
    }

    @Test
    void planInjectsAboutItsShareDeterministically() {
        FaultPlan plan = new FaultPlan(0.25, List.of(Fault.parse("http_500"),
                Fault.parse("reset_after=1")), 42);

        int faults = 0;
        int resets = 0;
        for (int i = 0; i < 4000; i++) {
            Fault fault = plan.choose(i);
            assertThat(plan.choose(i)).isEqualTo(fault);
            if (!fault.isNone()) {
                faults++;
            }
            if (fault.kind() == Fault.Kind.RESET) {
                resets++;
            }
        }
        assertThat(faults).isBetween(900, 1100);
        assertThat(resets).isBetween(400, 600);
    }

    @Test
    void planWithoutFaultsIsRejected() {
        assertThatThrownBy(() -> new FaultPlan(0.1, List.of(), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no faults");
    }

    @Test
    void planShareOutOfRangeIsRejected() {
        assertThatThrownBy(() -> new FaultPlan(1.5, List.of(Fault.NONE), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1.5");
    }
}
