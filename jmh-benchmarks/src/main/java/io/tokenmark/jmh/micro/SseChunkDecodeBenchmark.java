package io.tokenmark.jmh.micro;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.tokenmark.core.client.RequestFailure;
import io.tokenmark.core.client.StreamListener;
import io.tokenmark.core.client.TokenEvent;
import io.tokenmark.netty.openai.OpenAiStreamReader;
import io.tokenmark.netty.sse.SseEventDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of the client's per-token path: SSE decoding plus OpenAI chunk parsing of a realistic
 * one-token chat chunk, as {@code netty-client} runs it for every token event. One operation is
 * one token event. Run it with {@code -prof gc} to see bytes allocated per event
 * ({@code gc.alloc.rate.norm}); the target is at most 300 ns and 64 bytes per event.
 *
 * <p>The chunk sits in a pooled direct buffer, as a socket read delivers it, so the measured
 * path includes copying the event's bytes out of direct memory for the JSON parser. Two shapes:
 * {@link #oneEventPerRead} (each read completes one event, typical at low load) and
 * {@link #sixteenEventsPerRead} (one read carries several events, typical when the client falls
 * behind or the server batches writes).
 *
 * <p><b>Not measured:</b> the socket read, TLS, the HTTP codec, and the listener's own work
 * (here a counter), which in a run is core's {@code RequestRecorder}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SseChunkDecodeBenchmark {
    /** A content chunk as vLLM 0.9 streams it for a chat completion. */
    static final String CHUNK = "data: {\"id\":\"chatcmpl-9f8c2a7e5b4d4e0f8a1b2c3d4e5f6a7b\","
            + "\"object\":\"chat.completion.chunk\",\"created\":1733312345,"
            + "\"model\":\"Qwen/Qwen3-235B-A22B-GPTQ-Int4\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\" the\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n";

    private static final int EVENTS_PER_BATCH = 16;

    /** Whether token events carry their text ({@code retainText}); costs a copy of the text. */
    @Param({"false", "true"})
    public boolean retainText;

    private ByteBuf oneEvent;
    private ByteBuf sixteenEvents;
    private SseEventDecoder decoder;
    private CountingListener listener;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] chunk = CHUNK.getBytes(StandardCharsets.UTF_8);
        oneEvent = PooledByteBufAllocator.DEFAULT.directBuffer(chunk.length);
        oneEvent.writeBytes(chunk);
        sixteenEvents = PooledByteBufAllocator.DEFAULT.directBuffer(chunk.length * EVENTS_PER_BATCH);
        for (int i = 0; i < EVENTS_PER_BATCH; i++) {
            sixteenEvents.writeBytes(chunk);
        }

        listener = new CountingListener();
        OpenAiStreamReader reader = new OpenAiStreamReader(retainText);
        reader.start(listener);
        decoder = new SseEventDecoder(16 * 1024 * 1024, reader);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        decoder.reset();
        oneEvent.release();
        sixteenEvents.release();
        if (listener.tokens == 0) {
            throw new IllegalStateException("the benchmark decoded no token event");
        }
    }

    @Benchmark
    public long oneEventPerRead() {
        oneEvent.readerIndex(0);
        decoder.decode(oneEvent, 1L);
        return listener.tokens;
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS_PER_BATCH)
    public long sixteenEventsPerRead() {
        sixteenEvents.readerIndex(0);
        decoder.decode(sixteenEvents, 1L);
        return listener.tokens;
    }

    /** Counts token events and touches their text, so neither can be optimised away. */
    static final class CountingListener implements StreamListener {
        long tokens;

        @Override
        public void onRequestSent(long sendNanos) {
        }

        @Override
        public void onResponseHeaders(int httpStatus, long arrivalNanos) {
        }

        @Override
        public void onTokenEvent(TokenEvent event) {
            CharSequence text = event.answerText();
            tokens += text == null ? 1 : text.length();
        }

        @Override
        public void onUsage(long arrivalNanos, int promptTokens, int completionTokens) {
        }

        @Override
        public void onFinishReason(String finishReason) {
        }

        @Override
        public void onComplete(long endNanos) {
        }

        @Override
        public void onFailure(RequestFailure failure) {
            throw new IllegalStateException("benchmark stream failed: " + failure.message());
        }
    }
}
