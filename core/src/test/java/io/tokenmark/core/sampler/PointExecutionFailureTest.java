package io.tokenmark.core.sampler;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.core.client.ErrorKind;
import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.workload.RequestSpec;
import io.tokenmark.core.workload.Workload;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PointExecutionFailureTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private DelayedResponseClient client;

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void clientRejectingRequestFailsPoint() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(1));
        client.close();
        RecordCollector records = new RecordCollector();

        PointExecution execution = start(LoadPoint.closedLoop(4).requests(10).build(), records);

        assertThat(execution.awaitCompletion(TIMEOUT)).isTrue();
        assertThat(execution.outcome()).contains(PointOutcome.FAILED);
        assertThat(execution.failure()).get().isInstanceOf(IllegalStateException.class);
        List<RequestRecord> all = records.byRequestId();
        assertThat(all).hasSize(1);
        assertThat(all.get(0).error()).isEqualTo(ErrorKind.CANCELLED);
        assertThat(all.get(0).errorMessage()).contains("the client rejected the request");
    }

    @Test
    void sinkExceptionDoesNotStopPoint() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(1));
        AtomicInteger delivered = new AtomicInteger();
        PointExecution execution = PointExecution.create(
                LoadPoint.closedLoop(3).requests(30).build(), new NumberedWorkload(5), client,
                RunContext.create("sink", 1), record -> {
                    if (delivered.incrementAndGet() % 3 == 0) {
                        throw new IllegalStateException("sink failure for the test");
                    }
                });

        execution.start();

        assertThat(execution.awaitCompletion(TIMEOUT)).isTrue();
        assertThat(delivered.get()).isEqualTo(30);
        assertThat(execution.outcome()).contains(PointOutcome.COMPLETED);
    }

    @Test
    void workloadExceptionFailsClosedLoopPoint() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(1));
        RecordCollector records = new RecordCollector();
        Workload workload = new FailingWorkload(3, new IllegalStateException("broken dataset"));

        PointExecution execution = PointExecution.create(
                LoadPoint.closedLoop(1).requests(10).build(), workload, client,
                RunContext.create("wl", 1), records);
        execution.start();

        assertThat(execution.awaitCompletion(TIMEOUT)).isTrue();
        assertThat(execution.outcome()).contains(PointOutcome.FAILED);
        assertThat(execution.failure()).get().extracting(Throwable::getMessage)
                .isEqualTo("broken dataset");
        assertThat(records.size()).isEqualTo(3);
    }

    @Test
    void errorInDispatcherFailsOpenLoopPoint() throws Exception {
        client = DelayedResponseClient.withDelay(Duration.ofMillis(1));
        RecordCollector records = new RecordCollector();
        Workload workload = new FailingWorkload(2, new AssertionError("error from the workload"));

        PointExecution execution = PointExecution.create(
                LoadPoint.openLoop(1000).requests(10).build(), workload, client,
                RunContext.create("err", 1), records);
        execution.start();

        assertThat(execution.awaitCompletion(TIMEOUT)).isTrue();
        assertThat(execution.outcome()).contains(PointOutcome.FAILED);
        assertThat(execution.failure()).get().isInstanceOf(AssertionError.class);
        assertThat(records.size()).isEqualTo(2);
    }

    private PointExecution start(LoadPoint point, RecordCollector records) {
        PointExecution execution = PointExecution.create(point, new NumberedWorkload(50), client,
                RunContext.create("fail", 1), records);
        execution.start();
        return execution;
    }

    /** A workload that throws {@code failure} for sequence {@code failAt}. */
    private static final class FailingWorkload implements Workload {
        private final NumberedWorkload specs = new NumberedWorkload(20);
        private final long failAt;
        private final Throwable failure;

        FailingWorkload(long failAt, Throwable failure) {
            this.failAt = failAt;
            this.failure = failure;
        }

        @Override
        public String description() {
            return "fails at sequence " + failAt;
        }

        @Override
        public int size() {
            return specs.size();
        }

        @Override
        public RequestSpec get(long sequence) {
            if (sequence == failAt) {
                if (failure instanceof Error) {
                    throw (Error) failure;
                }
                throw (RuntimeException) failure;
            }
            return specs.get(sequence);
        }
    }
}
