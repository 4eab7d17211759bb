package io.tokenmark.netty.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.workload.RequestSpec;
import io.tokenmark.netty.testing.RecordedCase;
import io.tokenmark.netty.testing.RecordingListener;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every recorded case through the client's real pipeline (socket timestamps, HTTP codec,
 * decompression, response handler, SSE decoder, OpenAI reader) in an {@link EmbeddedChannel},
 * with the response body cut into reads at every byte offset and at random multi-split points,
 * and checks that the resulting request record never changes. The response is close-delimited,
 * so the end of the body is the channel's close, and gzip cases are cut in their compressed
 * bytes.
 *
 * <p>Bodies over {@value #EVERY_OFFSET_LIMIT} bytes are cut at every {@value #STRIDE}th offset
 * instead of every offset, because paranoid leak detection makes each run slow.
 */
class ResponsePipelineSplitTest {
    private static final int EVERY_OFFSET_LIMIT = 4096;
    private static final int STRIDE = 499;
    private static final int RANDOM_SPLITS = 50;

    private static HttpStreamTransport transport;

    @BeforeAll
    static void startTransport() {
        // Never connects: the test drives an EmbeddedChannel with the transport's pipeline.
        ClientOptions options = ClientOptions.builder(URI.create("http://127.0.0.1:9/v1"))
                .retainText(true).readTimeoutMillis(0).ioThreads(1).build();
        transport = new HttpStreamTransport(options, null);
    }

    @AfterAll
    static void stopTransport() {
        transport.close();
    }

    @TestFactory
    Stream<DynamicTest> pipelineGivesSameRecordAtEverySplit() {
        return RecordedCase.all().stream().map(recorded -> dynamicTest(recorded.id(), () -> {
            byte[] body = recorded.wireBody();
            String whole = run(recorded, body, new int[0]);
            assertThat(whole).as("record of the unsplit response").contains("error=");

            int[] offsets = body.length <= EVERY_OFFSET_LIMIT
                    ? IntStream.range(1, body.length).toArray()
                    : IntStream.range(1, body.length).filter(i -> i % STRIDE == 0).toArray();
            for (int offset : offsets) {
                assertThat(run(recorded, body, new int[] {offset})).as("split at byte %d", offset)
                        .isEqualTo(whole);
            }
            Random random = new Random(body.length);
            for (int i = 0; i < RANDOM_SPLITS; i++) {
                int[] cuts = random.ints(1 + random.nextInt(8), 0, body.length + 1).sorted().toArray();
                assertThat(run(recorded, body, cuts)).as("split at bytes %s", Arrays.toString(cuts))
                        .isEqualTo(whole);
            }
        }));
    }

    /** Runs one response through the pipeline and returns a fingerprint of the record. */
    private static String run(RecordedCase recorded, byte[] body, int[] cuts) throws Exception {
        RequestSpec spec = RequestSpec.ofUserMessage("Say hello.", 64);
        RecordingListener listener = new RecordingListener(spec);
        EmbeddedChannel channel = new EmbeddedChannel();
        transport.initPipeline(channel);
        Exchange exchange = new Exchange(transport, "split", listener,
                transport.buildRequest("split", "{}".getBytes(StandardCharsets.UTF_8)));
        channel.pipeline().get(ResponseHandler.class).begin(exchange);
        channel.releaseOutbound();

        channel.writeInbound(Unpooled.wrappedBuffer(head(recorded)));
        int start = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int end = i < cuts.length ? cuts[i] : body.length;
            if (end > start) {
                channel.writeInbound(Unpooled.wrappedBuffer(body, start, end - start));
            }
            start = end;
        }
        channel.finish();
        channel.releaseInbound();
        return fingerprint(listener.await(5000));
    }

    private static byte[] head(RecordedCase recorded) {
        StringBuilder head = new StringBuilder("HTTP/1.1 " + recorded.httpStatus() + " Status\r\n");
        for (Map.Entry<String, String> header : recorded.headers().entrySet()) {
            head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        return head.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static String fingerprint(RequestRecord record) {
        List<Integer> tokensPerEvent = new ArrayList<>();
        for (int i = 0; i < record.tokenEvents(); i++) {
            tokensPerEvent.add(record.tokensInEvent(i));
        }
        return "status=" + record.httpStatus()
                + " error=" + record.errorLabel() + " message=" + record.errorMessage()
                + " body=" + record.errorBody()
                + " firstTokenEvent=" + record.firstTokenEventIndex()
                + " tokenEvents=" + record.tokenEvents()
                + " tokensPerEvent=" + tokensPerEvent
                + " out=" + record.outputTokens() + "/" + record.outputTokenSource()
                + " in=" + record.inputTokens() + "/" + record.inputTokenSource()
                + " finish=" + record.finishReason()
                + " answer=" + record.answerText() + Arrays.toString(record.answerTextEnds())
                + " reasoning=" + record.reasoningText() + Arrays.toString(record.reasoningTextEnds());
    }
}
