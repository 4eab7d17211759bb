package io.tokenmark.examples;

import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** JMH settings that keep the examples' test runs short. */
final class ExampleRuns {
    private ExampleRuns() {
    }

    /**
     * Returns in-process JMH settings (no fork) with one short warm-up and one measurement
     * iteration of the given length.
     */
    static ChainedOptionsBuilder quick(TimeValue measurement) {
        // Tests may run while other JMH runs hold the machine-wide lock; their figures are
        // checked with tolerances, not compared across runs.
        System.setProperty("jmh.ignoreLock", "true");
        return new OptionsBuilder()
                .forks(0)
                .warmupIterations(1)
                .warmupTime(TimeValue.milliseconds(500))
                .measurementIterations(1)
                .measurementTime(measurement)
                .shouldFailOnError(true);
    }
}
