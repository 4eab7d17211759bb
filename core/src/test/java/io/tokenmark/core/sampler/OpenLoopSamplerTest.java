package io.tokenmark.core.sampler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenmark.core.metric.RequestRecord;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenLoopSamplerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final long MILLIS = 1_000_000L;

    private DelayedResponseClient client;

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void openLoopSchedulesEachRequestAtItsArrival() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(2));
        LoadPoint point = LoadPoint.openLoop(500).requests(300).build();
        RecordCollector records = new RecordCollector();

        PointExecution execution = run(point, records, RunContext.create("open", 11));

        ArrivalSchedule schedule = execution.schedule().orElseThrow();
        List<RequestRecord> all = records.byRequestId();
        assertThat(all).hasSize(300);
        long start = all.get(0).scheduledNanos();
        for (int i = 0; i < all.size(); i++) {
            RequestRecord record = all.get(i);
            assertThat(record.scheduledNanos() - start).isEqualTo(schedule.offsetNanos(i));
            assertThat(record.dispatchNanos()).isGreaterThanOrEqualTo(record.scheduledNanos());
        }
        assertThat(schedule).isEqualTo(ArrivalSchedule.ofCount(500, 1.0, 300, 11));
    }

    /**
     * The recorded case {@code cases/B27.json}: requests scheduled 100 ms apart, one allowed in flight, each taking 500 ms.
     * Request k cannot start before the k earlier ones ended, so its lag is at least the queueing
     * delay the case expects. The upper bound leaves 250 ms for a loaded machine.
     */
    @Test
    void maxConcurrencyHoldsRequestsBackAndLagGrows() throws Exception {
        JsonNode b27 = readCase("B27");
        JsonNode requests = b27.get("requests");
        JsonNode expectedQueueMs = b27.get("expected").get("aggregate").get("queue_ms");
        long gapMs = requests.get(1).get("scheduled_ms").asLong()
                - requests.get(0).get("scheduled_ms").asLong();
        long serviceMs = 0;
        for (JsonNode time : requests.get(0).get("segment_times_ms")) {
            serviceMs = Math.max(serviceMs, time.asLong());
        }
        for (int k = 0; k < requests.size(); k++) {
            assertThat(requests.get(k).get("scheduled_ms").asLong()).isEqualTo(k * gapMs);
        }

        client = DelayedResponseClient.withDelay(Duration.ofMillis(serviceMs));
        LoadPoint point = LoadPoint.openLoop(1000.0 / gapMs).burstiness(Double.POSITIVE_INFINITY)
                .maxConcurrency(1).requests(requests.size()).build();
        RecordCollector records = new RecordCollector();
        run(point, records, RunContext.create("b27", 1));

        List<RequestRecord> all = records.byRequestId();
        assertThat(client.maxInFlight()).isEqualTo(1);
        assertThat(all).hasSize(requests.size());
        long start = all.get(0).scheduledNanos();
        for (int k = 0; k < all.size(); k++) {
            long queueNanos = expectedQueueMs.get(k).asLong() * MILLIS;
            RequestRecord record = all.get(k);
            assertThat(record.scheduledNanos() - start).isEqualTo(k * gapMs * MILLIS);
            assertThat(record.scheduleLagNanos()).isBetween(queueNanos, queueNanos + 250 * MILLIS);
        }
    }

    @Test
    void maxConcurrencyCapsRequestsInFlight() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(10));
        LoadPoint point = LoadPoint.openLoop(Double.POSITIVE_INFINITY).maxConcurrency(4)
                .requests(60).build();
        RecordCollector records = new RecordCollector();

        run(point, records, RunContext.create("cap", 1));

        assertThat(client.maxInFlight()).isEqualTo(4);
        assertThat(records.size()).isEqualTo(60);
    }

    @Test
    void infiniteRateSendsEveryRequestAtOnce() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(500));
        LoadPoint point = LoadPoint.openLoop(Double.POSITIVE_INFINITY).requests(50).build();
        RecordCollector records = new RecordCollector();

        run(point, records, RunContext.create("burst", 1));

        List<RequestRecord> all = records.byRequestId();
        assertThat(client.maxInFlight()).isEqualTo(50);
        assertThat(all).extracting(RequestRecord::scheduledNanos)
                .containsOnly(all.get(0).scheduledNanos());
    }

    @Test
    void openLoopStopsAfterDuration() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(5));
        Duration duration = Duration.ofMillis(300);
        LoadPoint point = LoadPoint.openLoop(200).duration(duration).build();
        RecordCollector records = new RecordCollector();

        PointExecution execution = run(point, records, RunContext.create("timed", 5));

        ArrivalSchedule schedule = execution.schedule().orElseThrow();
        List<RequestRecord> all = records.byRequestId();
        assertThat(all).hasSize(schedule.size());
        long start = all.get(0).scheduledNanos();
        for (RequestRecord record : all) {
            assertThat(record.scheduledNanos() - start).isLessThan(duration.toNanos());
        }
        assertThat(execution.outcome()).contains(PointOutcome.COMPLETED);
    }

    @Test
    void openLoopFlagsWarmupRequests() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(2));
        LoadPoint point = LoadPoint.openLoop(400).requests(20).warmupRequests(5).build();
        RecordCollector records = new RecordCollector();

        PointExecution execution = run(point, records, RunContext.create("warm", 1));

        List<RequestRecord> all = records.byRequestId();
        assertThat(all).hasSize(25);
        assertThat(all.subList(0, 5)).allMatch(RequestRecord::warmup);
        assertThat(all.subList(5, 25)).noneMatch(RequestRecord::warmup);
        assertThat(execution.counters().warmupCompleted()).isEqualTo(5);
        assertThat(execution.counters().completed()).isEqualTo(20);
    }

    @Test
    void sameSeedGivesSameScheduleAndWorkloadOrder() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(1));
        LoadPoint point = LoadPoint.openLoop(1000).burstiness(0.5).requests(100).build();
        RecordCollector first = new RecordCollector();
        RecordCollector second = new RecordCollector();

        run(point, first, new NumberedWorkload(13), RunContext.create("a", 2024));
        run(point, second, new NumberedWorkload(13), RunContext.create("b", 2024));

        assertThat(relativeScheduledTimes(second)).isEqualTo(relativeScheduledTimes(first));
        assertThat(second.byRequestId()).extracting(RequestRecord::datasetIndex)
                .containsExactlyElementsOf(
                        first.byRequestId().stream().map(RequestRecord::datasetIndex).toList());
    }

    @Test
    void differentSeedsGiveDifferentSchedules() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(1));
        LoadPoint point = LoadPoint.openLoop(1000).requests(100).build();
        RecordCollector first = new RecordCollector();
        RecordCollector second = new RecordCollector();

        run(point, first, new NumberedWorkload(13), RunContext.create("a", 1));
        run(point, second, new NumberedWorkload(13), RunContext.create("b", 2));

        assertThat(relativeScheduledTimes(second)).isNotEqualTo(relativeScheduledTimes(first));
    }

    @Test
    void countersReportRequestedAndAchievedRate() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(1));
        LoadPoint point = LoadPoint.openLoop(200).requests(50).build();

        PointExecution execution = run(point, new RecordCollector(), RunContext.create("c", 3));

        PointCounters counters = execution.counters();
        assertThat(counters.requestedRatePerSecond()).isEqualTo(200.0);
        assertThat(counters.achievedRatePerSecond()).isPositive();
        assertThat(counters.dispatched()).isEqualTo(50);
        assertThat(counters.completed()).isEqualTo(50);
        assertThat(counters.inFlight()).isZero();
    }

    private PointExecution run(LoadPoint point, RecordCollector records, RunContext run)
            throws Exception {
        return run(point, records, new NumberedWorkload(1000), run);
    }

    private PointExecution run(LoadPoint point, RecordCollector records,
            NumberedWorkload workload, RunContext run) throws Exception {
        PointExecution execution = PointExecution.create(point, workload, client, run, records);
        execution.start();
        assertThat(execution.awaitCompletion(TIMEOUT)).as("point finished").isTrue();
        return execution;
    }

    private static long[] relativeScheduledTimes(RecordCollector records) {
        List<RequestRecord> all = records.byRequestId();
        long start = all.get(0).scheduledNanos();
        return all.stream().mapToLong(r -> r.scheduledNanos() - start).toArray();
    }

    private static JsonNode readCase(String id) throws Exception {
        try (InputStream in = OpenLoopSamplerTest.class.getResourceAsStream(
                "/cases/" + id + ".json")) {
            assertThat(in).as("case " + id).isNotNull();
            return new ObjectMapper().readTree(in);
        }
    }
}
