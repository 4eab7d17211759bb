package io.tokenmark.core.sampler;

import io.tokenmark.core.metric.RequestRecord;
import java.util.function.Consumer;

/**
 * Receives the life of each point of a {@link SweepExecution}. Both methods run on the thread
 * that called {@link SweepExecution#run()}.
 */
public interface SweepListener {
    /**
     * Called before a point starts; returns the sink for that point's records, with the contract
     * of {@link PointExecution#create}'s sink: called once per request, usually on a client I/O
     * thread, never blocking.
     */
    Consumer<RequestRecord> pointStarting(LoadPoint point);

    /**
     * Called after a point finished and the sink received its last record, for example to write
     * the point's summary. Its outcome says whether it ran in full.
     */
    default void pointFinished(PointExecution execution) {
    }
}
