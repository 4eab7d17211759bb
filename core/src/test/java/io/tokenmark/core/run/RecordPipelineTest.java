package io.tokenmark.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmark.core.metric.MetricsRecorder;
import io.tokenmark.core.metric.RequestRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordPipelineTest {
    private static RequestRecord record(long id) {
        return RequestRecord.builder()
                .requestId(id)
                .scheduledNanos(1_000)
                .dispatchNanos(1_000)
                .sendNanos(2_000)
                .firstTokenNanos(5_000)
                .lastTokenNanos(9_000)
                .tokenEventNanos(new long[] {5_000, 9_000})
                .endNanos(10_000)
                .build();
    }

    @Test
    void sinkForSeveralRecordersRecordsIntoEach() throws InterruptedException {
        MetricsRecorder first = new MetricsRecorder(0);
        MetricsRecorder second = new MetricsRecorder(0);
        try (RecordPipeline pipeline = new RecordPipeline(null, null)) {
            RecordPipeline.PointSink sink = pipeline.sinkFor("c1", List.of(first, second));
            sink.accept(record(0));
            sink.accept(record(1));
            pipeline.drain();

            assertThat(sink.metrics()).isSameAs(first);
        }
        assertThat(first.totalRequests()).isEqualTo(2);
        assertThat(second.totalRequests()).isEqualTo(2);
    }

    @Test
    void sinkForNoRecorderIsRejected() {
        try (RecordPipeline pipeline = new RecordPipeline(null, null)) {
            assertThatThrownBy(() -> pipeline.sinkFor("c1", List.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("c1");
        }
    }
}
