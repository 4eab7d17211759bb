package io.tokenmark.core.sampler;

import io.tokenmark.core.metric.RequestRecord;
import java.util.function.Consumer;

/**
 * Receives the life of each point of a {@link SweepExecution}. Both methods run on the thread
 * that called {@link SweepExecution#run()}.
 */
public interface SweepListener {
    /**
     * Returns the sink for the records of a point that is about to start. The sink has the
     * contract of {@link PointExecution#create}'s sink: it is called once per request, usually on
     * a client I/O thread, and must not block.
     */
    Consumer<RequestRecord> pointStarting(LoadPoint point);

    /**
     * Reacts to a point that finished after the sink received its last record, for example by
     * writing the point's summary. Its {@link PointExecution#outcome()} shows whether it ran in full.
     */
    default void pointFinished(PointExecution execution) {
    }
}
