package io.tokenmark.core.sampler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmark.core.client.ErrorKind;
import io.tokenmark.core.metric.RequestRecord;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PointExecutionStopTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private DelayedResponseClient client;

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void stopLetsRequestsInFlightFinishWithinGrace() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(200));
        RecordCollector records = new RecordCollector();
        PointExecution execution = start(LoadPoint.closedLoop(4).requests(1_000).build(), records);
        awaitSent(4);

        execution.stop(Duration.ofSeconds(20));

        assertThat(execution.awaitCompletion(TIMEOUT)).isTrue();
        assertThat(execution.outcome()).contains(PointOutcome.STOPPED);
        assertThat(records.size()).isEqualTo((int) client.requestsSent());
        assertThat(records.byRequestId()).allMatch(RequestRecord::success);
        assertThat(client.requestsSent()).isLessThan(1_000);
    }

    @Test
    void stopAfterLastDispatchLeavesPointCompleted() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(300));
        RecordCollector records = new RecordCollector();
        PointExecution execution = start(LoadPoint.closedLoop(2).requests(2).build(), records);
        awaitSent(2);

        execution.stop(Duration.ofSeconds(20));

        assertThat(execution.awaitCompletion(TIMEOUT)).isTrue();
        assertThat(execution.outcome()).contains(PointOutcome.COMPLETED);
        assertThat(records.byRequestId()).allMatch(RequestRecord::success);
    }

    @Test
    void stopCancellingLastRequestsMarksPointStopped() throws Exception {
        client = DelayedResponseClient.neverResponding();
        RecordCollector records = new RecordCollector();
        LoadPoint point = LoadPoint.openLoop(Double.POSITIVE_INFINITY).requests(3).build();
        PointExecution execution = start(point, records);
        awaitSent(3);

        execution.stop(Duration.ZERO);

        assertThat(execution.awaitCompletion(TIMEOUT)).isTrue();
        assertThat(execution.outcome()).contains(PointOutcome.STOPPED);
        assertThat(records.size()).isEqualTo(3);
    }

    @Test
    void stopCancelsRequestsStillInFlightAfterGrace() throws Exception {
        client = DelayedResponseClient.neverResponding();
        RecordCollector records = new RecordCollector();
        PointExecution execution = start(LoadPoint.closedLoop(6).requests(100).build(), records);
        awaitSent(6);

        execution.stop(Duration.ofMillis(100));

        assertThat(execution.awaitCompletion(TIMEOUT)).isTrue();
        List<RequestRecord> all = records.byRequestId();
        assertThat(all).hasSize(6);
        assertThat(all).extracting(RequestRecord::error).containsOnly(ErrorKind.CANCELLED);
        assertThat(all).extracting(RequestRecord::errorMessage)
                .containsOnly("cancelled by the caller");
        assertThat(execution.counters().inFlight()).isZero();
    }

    @Test
    void stopRecordsRequestsWhoseClientIgnoresCancel() throws Exception {
        client = DelayedResponseClient.neverResponding();
        client.ignoreCancel();
        RecordCollector records = new RecordCollector();
        PointExecution execution = start(LoadPoint.closedLoop(3).requests(100).build(), records);
        awaitSent(3);

        execution.stop(Duration.ofMillis(50), Duration.ofMillis(100));

        assertThat(execution.awaitCompletion(TIMEOUT)).isTrue();
        List<RequestRecord> all = records.byRequestId();
        assertThat(all).hasSize(3);
        assertThat(all).extracting(RequestRecord::error).containsOnly(ErrorKind.CANCELLED);
        assertThat(all).extracting(RequestRecord::errorMessage)
                .allMatch(message -> message.contains("did not end the request within 100 ms"));
    }

    @Test
    void stopWakesDispatcherWaitingForSlot() throws Exception {
        client = DelayedResponseClient.neverResponding();
        RecordCollector records = new RecordCollector();
        LoadPoint point = LoadPoint.openLoop(Double.POSITIVE_INFINITY).maxConcurrency(2)
                .requests(10).build();
        PointExecution execution = start(point, records);
        awaitSent(2);

        execution.stop(Duration.ZERO);

        assertThat(execution.awaitCompletion(TIMEOUT)).isTrue();
        assertThat(client.requestsSent()).isEqualTo(2);
        assertThat(records.byRequestId()).extracting(RequestRecord::error)
                .containsOnly(ErrorKind.CANCELLED);
    }

    @Test
    void stopWakesDispatcherWaitingForArrival() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(5));
        RecordCollector records = new RecordCollector();
        LoadPoint point = LoadPoint.openLoop(0.001).burstiness(Double.POSITIVE_INFINITY)
                .requests(5).build();
        PointExecution execution = start(point, records);
        awaitSent(1);

        execution.stop(Duration.ofSeconds(10));

        assertThat(execution.awaitCompletion(TIMEOUT)).isTrue();
        assertThat(records.size()).isEqualTo(1);
        assertThat(execution.outcome()).contains(PointOutcome.STOPPED);
    }

    @Test
    void secondStopShortensGrace() throws Exception {
        client = DelayedResponseClient.neverResponding();
        RecordCollector records = new RecordCollector();
        PointExecution execution = start(LoadPoint.closedLoop(2).requests(10).build(), records);
        awaitSent(2);

        execution.stop(Duration.ofHours(1));
        execution.stop(Duration.ZERO);

        assertThat(execution.awaitCompletion(TIMEOUT)).isTrue();
        assertThat(records.byRequestId()).extracting(RequestRecord::error)
                .containsOnly(ErrorKind.CANCELLED);
    }

    @Test
    void stopBeforeStartFinishesWithoutRequests() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(1));
        RecordCollector records = new RecordCollector();
        PointExecution execution = PointExecution.create(
                LoadPoint.closedLoop(2).requests(10).build(), new NumberedWorkload(5), client,
                RunContext.create("early", 1), records);

        execution.stop(Duration.ZERO);

        assertThat(execution.isFinished()).isTrue();
        assertThat(execution.outcome()).contains(PointOutcome.STOPPED);
        assertThatThrownBy(execution::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already started or stopped");
        assertThat(client.requestsSent()).isZero();
    }

    @Test
    void stopRejectsNegativeGrace() {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(1));
        PointExecution execution = PointExecution.create(
                LoadPoint.closedLoop(2).requests(10).build(), new NumberedWorkload(5), client,
                RunContext.create("neg", 1), new RecordCollector());

        assertThatThrownBy(() -> execution.stop(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid grace period PT-0.001S")
                .hasMessageContaining("zero or positive");
    }

    private PointExecution start(LoadPoint point, RecordCollector records) {
        PointExecution execution = PointExecution.create(point, new NumberedWorkload(50), client,
                RunContext.create("stop", 1), records);
        execution.start();
        return execution;
    }

    private void awaitSent(long count) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (client.requestsSent() < count) {
            assertThat(System.nanoTime() - deadline).as("requests sent in time").isNegative();
            Thread.sleep(5);
        }
    }
}
