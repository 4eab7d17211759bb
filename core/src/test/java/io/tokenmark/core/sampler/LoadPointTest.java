package io.tokenmark.core.sampler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LoadPointTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("defaultLabels")
    void labelNamesTheLoad(String expected, LoadPoint point) {
        assertThat(point.label()).isEqualTo(expected);
    }

    static Stream<Arguments> defaultLabels() {
        return Stream.of(
                Arguments.of("c16", LoadPoint.closedLoop(16).requests(10).build()),
                Arguments.of("r2.5", LoadPoint.openLoop(2.5).requests(10).build()),
                Arguments.of("r10", LoadPoint.openLoop(10.0).requests(10).build()),
                Arguments.of("r0.125", LoadPoint.openLoop(0.125).requests(10).build()),
                Arguments.of("rinf", LoadPoint.openLoop(Double.POSITIVE_INFINITY).requests(10)
                        .build()),
                Arguments.of("rinf-c8", LoadPoint.openLoop(Double.POSITIVE_INFINITY)
                        .maxConcurrency(8).requests(10).build()),
                Arguments.of("custom_1", LoadPoint.openLoop(1.0).requests(10).label("custom_1")
                        .build()));
    }

    @Test
    void withUsersReplacesDefaultLabel() {
        LoadPoint template = LoadPoint.closedLoop(1).requests(50).warmupRequests(5).build();

        LoadPoint point = template.withUsers(32);

        assertThat(point.label()).isEqualTo("c32");
        assertThat(point.users()).isEqualTo(32);
        assertThat(point.requests()).isEqualTo(50);
        assertThat(point.warmupRequests()).isEqualTo(5);
    }

    @Test
    void withRateKeepsBurstinessAndConcurrency() {
        LoadPoint template = LoadPoint.openLoop(1.0).burstiness(0.5).maxConcurrency(4)
                .duration(Duration.ofSeconds(30)).build();

        LoadPoint point = template.withRate(7.5);

        assertThat(point.label()).isEqualTo("r7.5-c4");
        assertThat(point.burstiness()).isEqualTo(0.5);
        assertThat(point.maxConcurrency()).isEqualTo(4);
        assertThat(point.duration()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void toBuilderRoundTripsEveryValue() {
        LoadPoint point = LoadPoint.openLoop(3.0).burstiness(2.0).maxConcurrency(6).requests(70)
                .warmupRequests(3).label("x").build();

        assertThat(point.toBuilder().build()).isEqualTo(point);
    }

    @Test
    void descriptionNamesEverySetting() {
        LoadPoint point = LoadPoint.openLoop(2.5).burstiness(0.5).maxConcurrency(8).requests(100)
                .warmupRequests(10).build();

        assertThat(point.description()).isEqualTo(
                "open loop, 2.5 req/s, gamma burstiness 0.5, max concurrency 8, 100 requests"
                        + " after 10 warm-up");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidPoints")
    void buildRejectsInvalidValue(String value, Supplier<LoadPoint> build, String validRange) {
        assertThatThrownBy(build::get)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(value)
                .hasMessageContaining(validRange);
    }

    static Stream<Arguments> invalidPoints() {
        return Stream.of(
                invalid("invalid user count 0", "1 to 1000000",
                        () -> LoadPoint.closedLoop(0).requests(1).build()),
                invalid("invalid user count -3", "1 to 1000000",
                        () -> LoadPoint.closedLoop(-3).requests(1).build()),
                invalid("invalid user count 1000001", "1 to 1000000",
                        () -> LoadPoint.closedLoop(1_000_001).requests(1).build()),
                invalid("invalid max concurrency 4 for a closed-loop point", "leave it at 0",
                        () -> LoadPoint.closedLoop(2).maxConcurrency(4).requests(1).build()),
                invalid("invalid request rate 2.0 req/s for a closed-loop point",
                        "use an open-loop point",
                        () -> LoadPoint.closedLoop(2).rate(2.0).requests(1).build()),
                invalid("invalid burstiness 0.5 for a closed-loop point", "leave it at 1",
                        () -> LoadPoint.closedLoop(2).burstiness(0.5).requests(1).build()),
                invalid("invalid request rate 0.0", "greater than 0",
                        () -> LoadPoint.openLoop(0).requests(1).build()),
                invalid("invalid request rate -1.5", "greater than 0",
                        () -> LoadPoint.openLoop(-1.5).requests(1).build()),
                invalid("invalid request rate NaN", "greater than 0",
                        () -> LoadPoint.openLoop(Double.NaN).requests(1).build()),
                invalid("invalid burstiness 0.0", "greater than 0",
                        () -> LoadPoint.openLoop(1).burstiness(0).requests(1).build()),
                invalid("invalid burstiness NaN", "greater than 0",
                        () -> LoadPoint.openLoop(1).burstiness(Double.NaN).requests(1).build()),
                invalid("invalid max concurrency -1", "1 to 1000000, or 0 for no limit",
                        () -> LoadPoint.openLoop(1).maxConcurrency(-1).requests(1).build()),
                invalid("invalid user count 3 for an open-loop point", "maxConcurrency",
                        () -> LoadPoint.openLoop(1).users(3).requests(1).build()),
                invalid("no stop condition", "set a request count or a duration",
                        () -> LoadPoint.closedLoop(1).build()),
                invalid("invalid request count 0", "1 to 16777216",
                        () -> LoadPoint.closedLoop(1).requests(0).build()),
                invalid("invalid request count -5", "1 to 16777216",
                        () -> LoadPoint.openLoop(1).requests(-5).build()),
                invalid("invalid duration PT0S", "must be positive",
                        () -> LoadPoint.closedLoop(1).duration(Duration.ZERO).build()),
                invalid("invalid duration PT-1S", "must be positive",
                        () -> LoadPoint.openLoop(1).duration(Duration.ofSeconds(-1)).build()),
                invalid("invalid duration PT8784H", "at most PT8760H",
                        () -> LoadPoint.closedLoop(1).duration(Duration.ofDays(366)).build()),
                invalid("invalid duration PT1281023894007607H45M3S", "at most PT8760H",
                        () -> LoadPoint.openLoop(1).duration(Duration.ofSeconds(Long.MAX_VALUE / 2))
                                .build()),
                invalid("invalid duration PT10S at an infinite request rate",
                        "give a request count instead",
                        () -> LoadPoint.openLoop(Double.POSITIVE_INFINITY)
                                .duration(Duration.ofSeconds(10)).build()),
                invalid("invalid duration PT1H at 100000 req/s", "shorten the duration",
                        () -> LoadPoint.openLoop(100_000).duration(Duration.ofHours(1)).build()),
                invalid("invalid warm-up request count -1", "0 to 16777216",
                        () -> LoadPoint.closedLoop(1).requests(1).warmupRequests(-1).build()),
                invalid("invalid request count 16777216 with 1 warm-up requests",
                        "at most 16777216",
                        () -> LoadPoint.closedLoop(1).requests(16_777_216).warmupRequests(1)
                                .build()),
                invalid("invalid load point label 'two words'", "letters, digits",
                        () -> LoadPoint.closedLoop(1).requests(1).label("two words").build()),
                invalid("invalid load point label ''", "1 to 64",
                        () -> LoadPoint.closedLoop(1).requests(1).label("").build()));
    }

    private static Arguments invalid(String value, String validRange, Supplier<LoadPoint> build) {
        return Arguments.of(value, build, validRange);
    }

    @Test
    void withUsersRejectsOpenLoop() {
        LoadPoint point = LoadPoint.openLoop(1).requests(1).build();

        assertThatThrownBy(() -> point.withUsers(4))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("r1 is open loop");
    }

    @Test
    void withRateRejectsClosedLoop() {
        LoadPoint point = LoadPoint.closedLoop(1).requests(1).build();

        assertThatThrownBy(() -> point.withRate(4))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("c1 is closed loop");
    }
}
