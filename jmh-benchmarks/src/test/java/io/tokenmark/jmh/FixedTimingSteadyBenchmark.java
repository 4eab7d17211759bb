package io.tokenmark.jmh;

import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.workload.FixedPromptWorkload;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.profile.Profiles;
import java.nio.file.Path;
import java.time.Duration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * A steady-state benchmark against the simulator's fixed timing, 50 ms to the first token and
 * 10 ms between tokens, with 6-token responses; the tests set where it writes.
 *
 * <p>Short responses give the timing checks many requests per second: on a busy 2-core machine
 * the simulator's timer sometimes fires 5 to 20 ms late, and the more requests a mean covers,
 * the less one such request moves it.
 */
public class FixedTimingSteadyBenchmark extends SteadyStateBenchmark {
    /** The TTFT the simulator gives every request. */
    static final Duration TTFT = Duration.ofMillis(50);
    /** The time between token events the simulator gives every request. */
    static final Duration ITL = Duration.ofMillis(10);
    /** The output length of every response, in tokens. */
    static final int ANSWER_TOKENS = 6;

    @Param("1")
    public int concurrency;

    /** Requests per second of an open loop; 0 runs a closed loop of {@code concurrency}. */
    @Param("0")
    public double rate;

    @Param("target/tokenmark-tests")
    public String out;

    @Param("steady")
    public String label;

    @Override
    protected HarnessOptions options() {
        HarnessOptions.Builder options = HarnessOptions.builder()
                .target(Target.simulator(SimulatorOptions.builder()
                        .profile(Profiles.fixed(TTFT, ITL))
                        .build()))
                .workload(new FixedPromptWorkload("Count from one to six.", ANSWER_TOKENS))
                .outputDirectory(Path.of(out))
                .label(label);
        return (rate > 0 ? options.openLoop(rate) : options.closedLoop(concurrency)).build();
    }

    @Benchmark
    public RequestRecord request() throws InterruptedException {
        return awaitRequest();
    }
}
