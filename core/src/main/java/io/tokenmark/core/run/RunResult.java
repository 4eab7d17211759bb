package io.tokenmark.core.run;

import io.tokenmark.core.metric.Summary;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link BenchmarkRun} produced in this process: the summaries of the points it ran (a
 * resumed run's earlier points are on disk, not here), how it ended, and why a point failed.
 *
 * @param summaries the summaries written by this run, in run order
 * @param outcome how the run ended
 * @param failure the error that ended a {@link RunOutcome#FAILED} run, else {@code null}
 */
public record RunResult(List<Summary> summaries, RunOutcome outcome, Throwable failure) {
    public RunResult {
        summaries = List.copyOf(summaries);
    }

    /** Returns the error that ended a failed run. */
    public Optional<Throwable> failureCause() {
        return Optional.ofNullable(failure);
    }

    /** Returns the measured requests of every point this run wrote. */
    public long totalRequests() {
        return summaries.stream().mapToLong(Summary::totalRequests).sum();
    }

    /** Returns the successful requests of every point this run wrote. */
    public long succeededRequests() {
        return summaries.stream().mapToLong(Summary::succeededRequests).sum();
    }

    /**
     * Whether requests were measured and every one of them failed: a run that says nothing about
     * the server and should end with a non-zero exit status.
     */
    public boolean allRequestsFailed() {
        return totalRequests() > 0 && succeededRequests() == 0;
    }
}
