package io.tokenmark.core.sampler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmark.core.metric.RequestRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SweepExecutionTest {
    private DelayedResponseClient client;

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void sweepRunsPointsInOrder() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(2));
        Sweep sweep = Sweep.concurrencies(LoadPoint.closedLoop(1).requests(20).build(), 1, 4, 8);
        PointListener listener = new PointListener();

        List<PointExecution> executions = new SweepExecution(sweep, new NumberedWorkload(9),
                client, RunContext.create("sweep", 1), listener).run();

        assertThat(listener.events).containsExactly("start c1", "finish c1", "start c4",
                "finish c4", "start c8", "finish c8");
        assertThat(executions).extracting(e -> e.point().label()).containsExactly("c1", "c4", "c8");
        assertThat(executions).extracting(e -> e.outcome().orElseThrow())
                .containsOnly(PointOutcome.COMPLETED);
    }

    @Test
    void sweepKeepsRequestIdsUniqueAcrossPoints() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(2));
        Sweep sweep = Sweep.rates(LoadPoint.openLoop(1).requests(15).warmupRequests(2).build(),
                500, 1000);
        PointListener listener = new PointListener();

        new SweepExecution(sweep, new NumberedWorkload(9), client,
                RunContext.create("ids", 1), listener).run();

        Set<Long> ids = new HashSet<>();
        for (RecordCollector records : listener.records.values()) {
            for (RequestRecord record : records.byRequestId()) {
                assertThat(ids.add(record.requestId())).as("id %d unique", record.requestId())
                        .isTrue();
            }
        }
        assertThat(ids).hasSize(34);
        assertThat(listener.records.get("r1000").byRequestId().get(0).requestId()).isEqualTo(17);
    }

    @Test
    void sweepPointsSendSameWorkloadOrder() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(2));
        Sweep sweep = Sweep.concurrencies(LoadPoint.closedLoop(1).requests(25).build(), 2, 5);
        PointListener listener = new PointListener();

        new SweepExecution(sweep, new NumberedWorkload(11), client,
                RunContext.create("same", 1), listener).run();

        List<Integer> first = datasetIndexes(listener.records.get("c2"));
        List<Integer> second = datasetIndexes(listener.records.get("c5"));
        assertThat(first).hasSize(25);
        assertThat(second).isEqualTo(first);
    }

    @Test
    void stopEndsRunningPointAndSkipsTheRest() throws Exception {
        client = DelayedResponseClient.neverResponding();
        Sweep sweep = Sweep.concurrencies(LoadPoint.closedLoop(1).requests(20).build(), 3, 6);
        PointListener listener = new PointListener();
        SweepExecution execution = new SweepExecution(sweep, new NumberedWorkload(9), client,
                RunContext.create("halt", 1), listener);
        AtomicReference<Optional<String>> labelAtStop = new AtomicReference<>();
        Thread stopper = new Thread(() -> {
            try {
                while (client.requestsSent() < 3) {
                    Thread.sleep(5);
                }
                labelAtStop.set(execution.currentLabel());
                execution.stop(Duration.ofMillis(50));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        stopper.start();

        List<PointExecution> executions = execution.run();
        stopper.join();

        assertThat(labelAtStop.get()).contains("c3");
        assertThat(executions).hasSize(1);
        assertThat(executions.get(0).outcome()).contains(PointOutcome.STOPPED);
        assertThat(listener.records.get("c3").size()).isEqualTo(3);
        assertThat(listener.events).containsExactly("start c3", "finish c3");
        assertThat(execution.currentLabel()).isEmpty();
    }

    @Test
    void sweepRejectsDuplicateLabels() {
        LoadPoint point = LoadPoint.closedLoop(4).requests(10).build();

        assertThatThrownBy(() -> Sweep.of(point, point.withUsers(4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two load points labelled 'c4'");
    }

    @Test
    void sweepRejectsEmptyList() {
        assertThatThrownBy(() -> Sweep.of(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no load points");
    }

    @Test
    void sweepFromResumesAtLabel() {
        Sweep sweep = Sweep.concurrencies(LoadPoint.closedLoop(1).requests(10).build(), 1, 2, 4);

        assertThat(sweep.from("c2").labels()).containsExactly("c2", "c4");
        assertThatThrownBy(() -> sweep.from("c3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no load point labelled 'c3'")
                .hasMessageContaining("[c1, c2, c4]");
    }

    @Test
    void maxConcurrencySweepLabelsEachPoint() {
        LoadPoint template = LoadPoint.openLoop(Double.POSITIVE_INFINITY).requests(10).build();

        Sweep sweep = Sweep.maxConcurrencies(template, 1, 16);

        assertThat(sweep.labels()).containsExactly("rinf-c1", "rinf-c16");
    }

    @Test
    void runContextRejectsSecondRunningPoint() {
        client = DelayedResponseClient.neverResponding();
        RunContext run = RunContext.create("one", 1);
        PointExecution first = PointExecution.create(LoadPoint.closedLoop(1).requests(1).build(),
                new NumberedWorkload(1), client, run, new RecordCollector());
        PointExecution second = PointExecution.create(LoadPoint.closedLoop(2).requests(1).build(),
                new NumberedWorkload(1), client, run, new RecordCollector());
        first.start();

        assertThatThrownBy(second::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot start point c2 of run one: point c1 is still running");
        first.stop(Duration.ZERO);
    }

    @Test
    void requestIdHeaderNamesRunAndRequest() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(1));
        RunContext run = RunContext.resume("run-7", 1, 100);
        PointExecution execution = PointExecution.create(
                LoadPoint.closedLoop(1).requests(3).build(), new NumberedWorkload(1), client, run,
                new RecordCollector());

        execution.start();
        execution.awaitCompletion();

        assertThat(client.sentRequests()).extracting(DelayedResponseClient.SentRequest::requestId)
                .containsExactly("tm-run-7-100", "tm-run-7-101", "tm-run-7-102");
        assertThat(run.nextRequestId()).isEqualTo(103);
    }

    @Test
    void runContextRejectsInvalidRunId() {
        assertThatThrownBy(() -> RunContext.create("bad id", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid run id 'bad id'")
                .hasMessageContaining("1 to 64 letters, digits");
        assertThatThrownBy(() -> RunContext.resume("ok", 1, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid first request id -1")
                .hasMessageContaining("at least 0");
    }

    private static List<Integer> datasetIndexes(RecordCollector records) {
        return records.byRequestId().stream().map(RequestRecord::datasetIndex).toList();
    }

    /** Records the listener calls and keeps one collector per point. */
    private static final class PointListener implements SweepListener {
        final List<String> events = new ArrayList<>();
        final Map<String, RecordCollector> records = new LinkedHashMap<>();

        @Override
        public Consumer<RequestRecord> pointStarting(LoadPoint point) {
            events.add("start " + point.label());
            RecordCollector collector = new RecordCollector();
            records.put(point.label(), collector);
            return collector;
        }

        @Override
        public void pointFinished(PointExecution execution) {
            events.add("finish " + execution.point().label());
        }
    }
}
