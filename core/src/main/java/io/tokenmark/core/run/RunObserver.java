package io.tokenmark.core.run;

import io.tokenmark.core.metric.MetricsRecorder;
import io.tokenmark.core.metric.Summary;
import io.tokenmark.core.sampler.LoadPoint;
import java.nio.file.Path;

/**
 * Follows a {@link BenchmarkRun} point by point, for progress displays and consoles. Every method
 * has an empty default.
 *
 * <p><b>Threading:</b> called on the thread that runs the benchmark; must not block for long,
 * because the next point waits.
 */
public interface RunObserver {
    /** A point was skipped because a resumed run already holds its complete summary. */
    default void pointSkipped(String pointLabel) {
    }

    /**
     * A point is about to start. {@code metrics} gives processed requests, failures and output
     * tokens as they come; {@link BenchmarkRun#currentPoint()} gives the sampler's live counters
     * (dispatched, in flight) once the point has started.
     */
    default void pointStarted(LoadPoint point, MetricsRecorder metrics) {
    }

    /** A point ended and its summary was written to {@code summaryFile}. */
    default void pointFinished(Summary summary, Path summaryFile) {
    }
}
