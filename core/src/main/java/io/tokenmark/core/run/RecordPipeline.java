package io.tokenmark.core.run;

import io.tokenmark.core.metric.MetricsRecorder;
import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.report.RequestLogWriter;
import io.tokenmark.core.tokenizer.TokenCountResolver;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves finished {@link RequestRecord}s off the client's I/O threads and, on one worker thread,
 * refines their token counts with the tokenizer (when one is configured), adds them to the
 * point's {@link MetricsRecorder} and appends them to {@code requests.jsonl}.
 *
 * <p>I/O threads only enqueue: tokenizing and file writes would otherwise delay every stream
 * served by the same thread and distort its timestamps. They do not wake the worker either: it
 * looks for records every {@value #POLL_MICROS} µs. On a machine with few cores a thread woken
 * by an I/O thread can take that thread's core, and the I/O thread's next write, such as a
 * closed-loop user's next request, then waits for it.
 *
 * <p><b>Threading:</b> {@link PointSink#accept} may be called from any thread and never blocks.
 * {@link #drain()} and {@link #close()} block; call them from the harness thread.
 */
public final class RecordPipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RecordPipeline.class);
    private static final Item POISON = new Item(null, null);
    /** How long the worker sleeps when it finds no record, in microseconds. */
    static final long POLL_MICROS = 1000;

    private final TokenCountResolver resolver;
    private final RequestLogWriter requestLog;
    private final ConcurrentLinkedQueue<Item> queue = new ConcurrentLinkedQueue<>();
    private final Thread worker;
    private final Object progress = new Object();
    private long enqueued;
    private long processed;
    private long failed;
    /** The error that ended the worker thread, or {@code null} while it runs. */
    private Throwable workerFailure;

    /**
     * Starts the worker thread.
     *
     * @param resolver refines token counts when the server sent no usage, or {@code null}
     * @param requestLog receives every measured record, or {@code null} to write none
     */
    public RecordPipeline(TokenCountResolver resolver, RequestLogWriter requestLog) {
        this.resolver = resolver;
        this.requestLog = requestLog;
        this.worker = new Thread(this::work, "tokenmark-records");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /**
     * Returns the sink for one sweep point's records.
     *
     * @param pointLabel written with each record, such as {@code c16}
     * @param metrics the point's recorder
     */
    public PointSink sinkFor(String pointLabel, MetricsRecorder metrics) {
        return sinkFor(pointLabel, List.of(Objects.requireNonNull(metrics, "metrics")));
    }

    /**
     * Returns a sink whose records go to several recorders, for a harness that summarizes the
     * same requests over more than one window, such as each JMH iteration and the whole trial.
     *
     * @param pointLabel written with each record, such as {@code c16}
     * @param recorders the recorders each record is added to, in order; at least one
     * @throws IllegalArgumentException if {@code recorders} is empty
     */
    public PointSink sinkFor(String pointLabel, List<MetricsRecorder> recorders) {
        Objects.requireNonNull(pointLabel, "pointLabel");
        if (recorders.isEmpty()) {
            throw new IllegalArgumentException(
                    "no recorder for point " + pointLabel + ": give at least one");
        }
        return new PointSink(pointLabel, List.copyOf(recorders));
    }

    /**
     * Waits until every record enqueued so far has been processed.
     *
     * @throws InterruptedException if the calling thread is interrupted while waiting
     * @throws IllegalStateException if an {@link Error} ended the worker thread, so that records
     *     are missing from the results and later ones will never be recorded
     */
    public void drain() throws InterruptedException {
        synchronized (progress) {
            long target = enqueued;
            while (true) {
                if (workerFailure != null) {
                    throw new IllegalStateException("the record pipeline stopped after an error"
                            + " in its worker thread, so " + failedRecords()
                            + " records are missing from the results", workerFailure);
                }
                if (processed >= target) {
                    return;
                }
                progress.wait(100);
            }
        }
    }

    /**
     * Returns how many records failed to process (logged once each), plus, once an
     * {@link Error} ended the worker thread, every record still queued; normally zero.
     */
    public long failedRecords() {
        synchronized (progress) {
            return workerFailure == null ? failed : failed + enqueued - processed;
        }
    }

    /**
     * Processes what is queued, then stops the worker. Does not close the request log, which the
     * caller owns.
     */
    @Override
    public void close() {
        queue.add(POISON);
        LockSupport.unpark(worker);
        try {
            worker.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            LOG.warn("Record pipeline did not finish within 30 s; {} records were not processed",
                    queue.size());
        }
    }

    private void enqueue(Item item) {
        synchronized (progress) {
            enqueued++;
        }
        queue.add(item);
    }

    private void work() {
        try {
            while (true) {
                Item item = queue.poll();
                if (item == null) {
                    if (Thread.interrupted()) {
                        LOG.warn("Record pipeline interrupted with {} records queued",
                                queue.size());
                        return;
                    }
                    LockSupport.parkNanos(this, TimeUnit.MICROSECONDS.toNanos(POLL_MICROS));
                    continue;
                }
                if (item == POISON) {
                    return;
                }
                process(item);
            }
        } catch (Error e) {
            LOG.error("Record pipeline stopped: its worker thread failed with {} records"
                    + " queued; they are left out", queue.size(), e);
            synchronized (progress) {
                workerFailure = e;
                progress.notifyAll();
            }
            throw e;
        }
    }

    private void process(Item item) {
        boolean recorded = false;
        try {
            RequestRecord record = resolver == null ? item.record : resolver.resolve(item.record);
            for (MetricsRecorder metrics : item.sink.recorders) {
                metrics.record(record);
            }
            if (requestLog != null) {
                requestLog.write(item.sink.label, record);
            }
            recorded = true;
        } catch (RuntimeException e) {
            LOG.error("Failed to process the record of request {} in point {}; it is left out",
                    item.record.requestId(), item.sink.label, e);
        } finally {
            synchronized (progress) {
                processed++;
                if (!recorded) {
                    failed++;
                }
                progress.notifyAll();
            }
        }
    }

    /** The record sink of one sweep point; see {@link RecordPipeline#sinkFor}. */
    public final class PointSink implements Consumer<RequestRecord> {
        private final String label;
        private final List<MetricsRecorder> recorders;

        private PointSink(String label, List<MetricsRecorder> recorders) {
            this.label = label;
            this.recorders = recorders;
        }

        /** Enqueues a finished record; never blocks. */
        @Override
        public void accept(RequestRecord record) {
            enqueue(new Item(this, record));
        }

        /** Returns the point's recorder: the first one given. */
        public MetricsRecorder metrics() {
            return recorders.get(0);
        }
    }

    private record Item(PointSink sink, RequestRecord record) {
    }
}
