package io.tokenmark.core.sampler;

import io.tokenmark.core.client.ErrorKind;
import io.tokenmark.core.client.RequestFailure;
import io.tokenmark.core.client.RequestHandle;
import io.tokenmark.core.client.StreamListener;
import io.tokenmark.core.client.TokenEvent;
import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.metric.RequestRecorder;
import io.tokenmark.core.workload.RequestSpec;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dispatched request: the listener handed to the client, which forwards every callback to a
 * {@link RequestRecorder}, and the handle to cancel it.
 *
 * <p>The request ends exactly once. Either the client's terminal callback or the sampler
 * ({@link #abandon}, for a client that rejected the request or never answered a cancel) wins an
 * atomic claim; the loser is ignored. So every dispatched request yields exactly one record, even
 * from a client that breaks the listener contract.
 */
final class InFlightRequest implements StreamListener {
    private static final Logger LOG = LoggerFactory.getLogger(InFlightRequest.class);
    private static final AtomicIntegerFieldUpdater<InFlightRequest> ENDED =
            AtomicIntegerFieldUpdater.newUpdater(InFlightRequest.class, "ended");

    private final PointExecution execution;
    private final long requestId;
    private final boolean warmup;
    private final RequestSpec spec;
    private final long scheduledNanos;
    private final long dispatchNanos;
    private final RequestRecorder recorder;

    private volatile RequestHandle handle;
    private volatile int ended;
    /** Set once the recorder built the record; read only on the thread that ended the request. */
    private boolean recorded;

    InFlightRequest(PointExecution execution, long requestId, boolean warmup, RequestSpec spec,
            long scheduledNanos, long dispatchNanos) {
        this.execution = execution;
        this.requestId = requestId;
        this.warmup = warmup;
        this.spec = spec;
        this.scheduledNanos = scheduledNanos;
        this.dispatchNanos = dispatchNanos;
        this.recorder = new RequestRecorder(requestId, warmup, spec, scheduledNanos, dispatchNanos,
                this::recorded);
    }

    private void recorded(RequestRecord record) {
        recorded = true;
        execution.requestEnded(this, record);
    }

    long requestId() {
        return requestId;
    }

    boolean warmup() {
        return warmup;
    }

    void handle(RequestHandle handle) {
        this.handle = handle;
    }

    /** Asks the client to cancel; a no-op before {@code send} returned a handle. */
    void cancel() {
        RequestHandle h = handle;
        if (h != null) {
            h.cancel();
        }
    }

    /**
     * Ends the request without the client, with a {@code cancelled} record carrying
     * {@code message}, unless it already ended.
     *
     * @return whether this call ended it
     */
    boolean abandon(String message) {
        if (!ENDED.compareAndSet(this, 0, 1)) {
            return false;
        }
        execution.requestEnded(this, abandonedRecord(message, System.nanoTime()));
        return true;
    }

    private RequestRecord abandonedRecord(String message, long endNanos) {
        return RequestRecord.builder()
                .requestId(requestId)
                .warmup(warmup)
                .datasetIndex(spec.datasetIndex())
                .scheduledNanos(scheduledNanos)
                .dispatchNanos(dispatchNanos)
                .expectedInputTokens(spec.expectedInputTokens())
                .endNanos(endNanos)
                .error(ErrorKind.CANCELLED, message, null)
                .build();
    }

    @Override
    public void onRequestSent(long sendNanos) {
        recorder.onRequestSent(sendNanos);
    }

    @Override
    public void onResponseHeaders(int httpStatus, long arrivalNanos) {
        recorder.onResponseHeaders(httpStatus, arrivalNanos);
    }

    @Override
    public void onTokenEvent(TokenEvent event) {
        recorder.onTokenEvent(event);
    }

    @Override
    public void onUsage(long arrivalNanos, int promptTokens, int completionTokens) {
        recorder.onUsage(arrivalNanos, promptTokens, completionTokens);
    }

    @Override
    public void onFinishReason(String finishReason) {
        recorder.onFinishReason(finishReason);
    }

    @Override
    public void onComplete(long endNanos) {
        if (ENDED.compareAndSet(this, 0, 1)) {
            try {
                recorder.onComplete(endNanos);
            } catch (RuntimeException e) {
                recordBuildFailed(e, endNanos);
            }
        }
    }

    @Override
    public void onFailure(RequestFailure failure) {
        if (ENDED.compareAndSet(this, 0, 1)) {
            try {
                recorder.onFailure(failure);
            } catch (RuntimeException e) {
                recordBuildFailed(e, failure.failedNanos());
            }
        }
    }

    /**
     * Replaces a record the recorder could not build (a client reporting impossible times, for
     * example) by a {@code cancelled} one, so the request still ends. An exception thrown after
     * the record was delivered is only logged, so nothing is delivered twice.
     */
    private void recordBuildFailed(RuntimeException e, long endNanos) {
        if (recorded) {
            LOG.error("Request {} of point {}: failed after its record was delivered",
                    execution.headerRequestId(requestId), execution.point().label(), e);
            return;
        }
        LOG.warn("Request {} of point {}: cannot build its record, recording it as cancelled",
                execution.headerRequestId(requestId), execution.point().label(), e);
        long end = endNanos >= 0 ? endNanos : System.nanoTime();
        execution.requestEnded(this,
                abandonedRecord("record could not be built: " + e.getMessage(), end));
    }
}
