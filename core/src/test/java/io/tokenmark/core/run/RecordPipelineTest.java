package io.tokenmark.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.tokenmark.core.client.ApiKind;
import io.tokenmark.core.metric.MetricsRecorder;
import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.tokenizer.TokenCountResolver;
import io.tokenmark.core.tokenizer.Tokenizer;
import io.tokenmark.core.workload.ChatMessage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
    void drainFailsAfterWorkerDied() {
        // An Error (here from the tokenizer, as an out-of-memory error might come) ends the
        // worker thread. Waiting for records that no thread will process must fail, not hang.
        TokenCountResolver resolver = new TokenCountResolver(new FailingTokenizer(), ApiKind.CHAT);
        MetricsRecorder metrics = new MetricsRecorder(0);
        try (RecordPipeline pipeline = new RecordPipeline(resolver, null)) {
            RecordPipeline.PointSink sink = pipeline.sinkFor("c1", metrics);
            sink.accept(recordWithText(0));
            sink.accept(recordWithText(1));

            assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
                    assertThatThrownBy(pipeline::drain)
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("2 records")
                            .hasRootCauseInstanceOf(StackOverflowError.class));
            assertThat(pipeline.failedRecords()).isEqualTo(2);
        }
        assertThat(metrics.totalRequests()).isZero();
    }

    private static RequestRecord recordWithText(long id) {
        return record(id).toBuilder()
                .text("Hi there", new int[] {2, 8}, "", new int[] {0, 0})
                .build();
    }

    /** A tokenizer whose counting throws an {@link Error}, which no real tokenizer does on demand. */
    private static final class FailingTokenizer implements Tokenizer {
        @Override
        public String name() {
            return "failing";
        }

        @Override
        public int[] encode(String text) {
            throw new StackOverflowError("tokenizer failure");
        }

        @Override
        public int count(String text) {
            throw new StackOverflowError("tokenizer failure");
        }

        @Override
        public String decode(int[] ids) {
            return "";
        }

        @Override
        public int vocabularySize() {
            return 0;
        }

        @Override
        public int[] addedTokenIds() {
            return new int[0];
        }

        @Override
        public boolean isAddedToken(int id) {
            return false;
        }

        @Override
        public int countCompletionPrompt(String prompt) {
            return count(prompt);
        }

        @Override
        public Optional<String> renderChatPrompt(List<ChatMessage> messages) {
            return Optional.empty();
        }

        @Override
        public int countChatPrompt(List<ChatMessage> messages) {
            return count("");
        }

        @Override
        public void close() {
        }
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
