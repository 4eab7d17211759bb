package io.tokenmark.core.sampler;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.core.client.ErrorKind;
import io.tokenmark.core.client.InferenceClient;
import io.tokenmark.core.client.RequestFailure;
import io.tokenmark.core.client.RequestHandle;
import io.tokenmark.core.client.StreamListener;
import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.workload.RequestSpec;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClosedLoopSamplerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private DelayedResponseClient client;

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void closedLoopKeepsUsersInFlight() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(40));
        LoadPoint point = LoadPoint.closedLoop(8).requests(80).build();

        run(point, new RecordCollector());

        assertThat(client.maxInFlight()).isEqualTo(8);
    }

    @Test
    void closedLoopSendsExactRequestCount() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(2));
        LoadPoint point = LoadPoint.closedLoop(8).requests(203).build();
        RecordCollector records = new RecordCollector();

        PointExecution execution = run(point, records);

        assertThat(client.requestsSent()).isEqualTo(203);
        assertThat(records.size()).isEqualTo(203);
        assertThat(records.byRequestId()).extracting(RequestRecord::requestId)
                .containsExactlyElementsOf(range(0, 203));
        assertThat(execution.outcome()).contains(PointOutcome.COMPLETED);
    }

    @Test
    void closedLoopCapsUsersAtRequestCount() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(20));
        LoadPoint point = LoadPoint.closedLoop(10).requests(3).build();
        RecordCollector records = new RecordCollector();

        run(point, records);

        assertThat(client.requestsSent()).isEqualTo(3);
        assertThat(records.size()).isEqualTo(3);
    }

    @Test
    void closedLoopSchedulesNextRequestAtPreviousEnd() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(5));
        LoadPoint point = LoadPoint.closedLoop(4).requests(60).build();
        RecordCollector records = new RecordCollector();

        run(point, records);

        List<RequestRecord> all = records.byRequestId();
        long start = all.get(0).scheduledNanos();
        Set<Long> ends = new HashSet<>();
        for (RequestRecord record : all) {
            ends.add(record.endNanos());
        }
        int atStart = 0;
        for (RequestRecord record : all) {
            if (record.scheduledNanos() == start) {
                atStart++;
            } else {
                assertThat(ends).contains(record.scheduledNanos());
            }
            assertThat(record.dispatchNanos()).isGreaterThanOrEqualTo(record.scheduledNanos());
            assertThat(record.scheduleLagNanos()).isNotNegative();
        }
        assertThat(atStart).isEqualTo(4);
    }

    @Test
    void closedLoopDispatchesSuccessorBeforeSink() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(2));
        LoadPoint point = LoadPoint.closedLoop(1).requests(6).build();
        Map<Long, Long> acceptedNanos = new ConcurrentHashMap<>();
        RecordCollector records = new RecordCollector();

        PointExecution execution = PointExecution.create(point, new NumberedWorkload(1000),
                client, RunContext.create("test", 1), record -> {
                    acceptedNanos.put(record.requestId(), System.nanoTime());
                    records.accept(record);
                });
        execution.start();
        assertThat(execution.awaitCompletion(TIMEOUT)).as("point finished").isTrue();

        // One user: request i + 1 is dispatched from request i's end, before i's record is
        // handed to the sink, so no work of the sink's delays the next request.
        List<RequestRecord> all = records.byRequestId();
        assertThat(all).hasSize(6);
        for (int i = 0; i + 1 < all.size(); i++) {
            long handedOn = acceptedNanos.get(all.get(i).requestId());
            assertThat(all.get(i + 1).dispatchNanos()).as("dispatch of request %d", i + 1)
                    .isLessThan(handedOn);
        }
    }

    @Test
    void closedLoopStopsDispatchingAfterDuration() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(20));
        Duration duration = Duration.ofMillis(300);
        LoadPoint point = LoadPoint.closedLoop(4).duration(duration).build();
        RecordCollector records = new RecordCollector();

        PointExecution execution = run(point, records);

        List<RequestRecord> all = records.byRequestId();
        long firstDispatch = all.get(0).dispatchNanos();
        for (RequestRecord record : all) {
            // A successor is scheduled when its slot frees, which is before its claim, and every
            // claim happens before the window that opened at the first dispatch closes.
            assertThat(record.scheduledNanos() - firstDispatch).isLessThan(duration.toNanos());
        }
        assertThat(all.size()).isGreaterThan(4);
        assertThat(records.size()).isEqualTo((int) client.requestsSent());
        assertThat(execution.outcome()).contains(PointOutcome.COMPLETED);
    }

    @Test
    void closedLoopDurationWindowOpensAfterWarmup() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(30));
        Duration duration = Duration.ofMillis(200);
        LoadPoint point = LoadPoint.closedLoop(2).duration(duration).warmupRequests(10).build();
        RecordCollector records = new RecordCollector();

        run(point, records);

        List<RequestRecord> measured = records.measured();
        long windowStart = measured.get(0).dispatchNanos();
        long lastWarmupEnd = records.byRequestId().subList(0, 10).stream()
                .mapToLong(RequestRecord::endNanos).max().orElseThrow();
        assertThat(records.size() - measured.size()).isEqualTo(10);
        assertThat(measured.size()).isGreaterThan(2);
        assertThat(lastWarmupEnd - windowStart).isLessThan(duration.toNanos());
        for (RequestRecord record : measured) {
            assertThat(record.scheduledNanos() - windowStart).isLessThan(duration.toNanos());
        }
    }

    @Test
    void closedLoopFlagsWarmupRequests() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(3));
        LoadPoint point = LoadPoint.closedLoop(4).requests(40).warmupRequests(10).build();
        RecordCollector records = new RecordCollector();

        PointExecution execution = run(point, records);

        List<RequestRecord> all = records.byRequestId();
        assertThat(all).hasSize(50);
        assertThat(all.subList(0, 10)).allMatch(RequestRecord::warmup);
        assertThat(all.subList(10, 50)).noneMatch(RequestRecord::warmup);
        PointCounters counters = execution.counters();
        assertThat(counters.warmupDispatched()).isEqualTo(10);
        assertThat(counters.warmupCompleted()).isEqualTo(10);
        assertThat(counters.dispatched()).isEqualTo(40);
        assertThat(counters.completed()).isEqualTo(40);
    }

    @Test
    void closedLoopSendsWorkloadInSequenceOrder() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(2));
        LoadPoint point = LoadPoint.closedLoop(6).requests(50).warmupRequests(5).build();
        RecordCollector records = new RecordCollector();

        run(point, records, new NumberedWorkload(7), RunContext.create("order", 1));

        List<RequestRecord> all = records.byRequestId();
        for (int k = 0; k < all.size(); k++) {
            assertThat(all.get(k).datasetIndex()).isEqualTo(k % 7);
        }
        for (DelayedResponseClient.SentRequest sent : client.sentRequests()) {
            long requestId = Long.parseLong(sent.requestId().substring("tm-order-".length()));
            assertThat(sent.spec().datasetIndex()).isEqualTo((int) (requestId % 7));
        }
    }

    @Test
    void closedLoopSurvivesClientEndingRequestsInsideSend() throws Exception {
        SynchronousFailureClient failing = new SynchronousFailureClient();
        LoadPoint point = LoadPoint.closedLoop(4).requests(200_000).build();
        RecordCollector records = new RecordCollector();
        PointExecution execution = PointExecution.create(point, new NumberedWorkload(3), failing,
                RunContext.create("sync", 1), records);

        execution.start();

        assertThat(execution.awaitCompletion(TIMEOUT)).isTrue();
        assertThat(failing.sent.get()).isEqualTo(200_000);
        assertThat(records.size()).isEqualTo(200_000);
        assertThat(execution.counters().failed()).isEqualTo(200_000);
        assertThat(execution.outcome()).contains(PointOutcome.COMPLETED);
    }

    @Test
    void countersAddUpAfterFinish() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(2));
        LoadPoint point = LoadPoint.closedLoop(3).requests(30).warmupRequests(3).build();

        PointExecution execution = run(point, new RecordCollector());

        PointCounters counters = execution.counters();
        assertThat(counters.dispatched()).isEqualTo(counters.completed());
        assertThat(counters.failed()).isZero();
        assertThat(counters.inFlight()).isZero();
        assertThat(counters.requestedRatePerSecond()).isNaN();
        assertThat(counters.achievedRatePerSecond()).isPositive();
        assertThat(counters.elapsedNanos()).isPositive();
        assertThat(execution.counters().elapsedNanos()).isEqualTo(counters.elapsedNanos());
    }

    private PointExecution run(LoadPoint point, RecordCollector records) throws Exception {
        return run(point, records, new NumberedWorkload(1000), RunContext.create("test", 1));
    }

    private PointExecution run(LoadPoint point, RecordCollector records,
            NumberedWorkload workload, RunContext run) throws Exception {
        PointExecution execution = PointExecution.create(point, workload, client, run, records);
        execution.start();
        assertThat(execution.awaitCompletion(TIMEOUT)).as("point finished").isTrue();
        return execution;
    }

    private static List<Long> range(long from, long to) {
        return java.util.stream.LongStream.range(from, to).boxed().toList();
    }

    /** A client that fails every request inside {@code send}, before returning its handle. */
    private static final class SynchronousFailureClient implements InferenceClient {
        final AtomicLong sent = new AtomicLong();

        @Override
        public RequestHandle send(String requestId, RequestSpec spec, StreamListener listener) {
            sent.incrementAndGet();
            listener.onFailure(new RequestFailure(ErrorKind.CONNECT_FAILED, 0,
                    "connection refused", null, System.nanoTime()));
            return () -> { };
        }

        @Override
        public void close() {
        }
    }
}
