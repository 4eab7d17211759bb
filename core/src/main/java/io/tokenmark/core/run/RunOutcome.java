package io.tokenmark.core.run;

/** How a {@link BenchmarkRun} ended. */
public enum RunOutcome {
    /** Every point ran in full. */
    COMPLETED,
    /** {@link BenchmarkRun#stop} cut the run short; finished points and the cut point are kept. */
    STOPPED,
    /** A point failed (its client or workload threw); points after it did not run. */
    FAILED
}
