package io.tokenmark.core.sampler;

import io.tokenmark.core.metric.RequestRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/** A thread-safe record sink for tests that keeps every record it receives. */
final class RecordCollector implements Consumer<RequestRecord> {
    private final ConcurrentLinkedQueue<RequestRecord> records = new ConcurrentLinkedQueue<>();

    @Override
    public void accept(RequestRecord record) {
        records.add(record);
    }

    /** Returns every record received, sorted by request id; duplicates are kept. */
    List<RequestRecord> byRequestId() {
        List<RequestRecord> list = new ArrayList<>(records);
        list.sort(Comparator.comparingLong(RequestRecord::requestId));
        return list;
    }

    /** Returns the measured records (warm-up left out), sorted by request id. */
    List<RequestRecord> measured() {
        List<RequestRecord> list = byRequestId();
        list.removeIf(RequestRecord::warmup);
        return list;
    }

    int size() {
        return records.size();
    }
}
