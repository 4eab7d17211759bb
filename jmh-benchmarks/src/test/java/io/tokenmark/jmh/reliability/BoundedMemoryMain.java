package io.tokenmark.jmh.reliability;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import io.tokenmark.core.client.ClientOptions;
import io.tokenmark.netty.NettyInferenceClient;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one benchmark against a server that never stops sending, in a JVM that a test starts with
 * capped heap and direct memory, and prints the peak memory it used. Surviving the cap shows
 * that the client's memory is bounded; the peaks show how much it used.
 *
 * <p>Scenarios (first argument), each against a server in this JVM that writes from one fixed
 * buffer, so its own memory is constant:
 * <ul>
 *   <li>{@code endless}: a stream of token events that never ends, at
 *       {@value #EVENTS_PER_MILLISECOND} events per millisecond per stream, hundreds of times
 *       the rate of a fast model; the client's total deadline ({@value #DEADLINE_MILLIS} ms)
 *       must end each request;</li>
 *   <li>{@code huge-event}: one SSE event whose data never ends; the client's event size limit
 *       (the default, 16 MiB) must end each request.</li>
 * </ul>
 * The second argument is the output folder. Prints {@code figure <name> <value>} lines and
 * exits with 0 when the run returned.
 *
 * <p><b>Caveat:</b> the client keeps one {@code long} per token event until the request ends, so
 * an endless stream's memory is bounded by the deadline times the event rate, not by a constant.
 * An unpaced stream over loopback delivers millions of events per second and fills a 64 MiB
 * heap before a 3-second deadline.
 */
public final class BoundedMemoryMain {
    /** The total deadline per request of the {@code endless} scenario. */
    static final long DEADLINE_MILLIS = 3_000;
    /** Token events the {@code endless} server writes per millisecond and stream. */
    static final int EVENTS_PER_MILLISECOND = 50;
    /** Closed-loop users; this many streams are in flight at once. */
    static final int USERS = 2;
    /** Requests per run. */
    static final int REQUESTS = 4;

    private BoundedMemoryMain() {
    }

    public static void main(String[] args) throws Exception {
        String scenario = args[0];
        Path out = Path.of(args[1]);
        ScriptedHttpServer.Handler endless = switch (scenario) {
            case "endless" -> (connection, request, output) -> {
                writeForever(output, "", repeatedEvents(EVENTS_PER_MILLISECOND), 1);
                return false;
            };
            case "huge-event" -> (connection, request, output) -> {
                writeForever(output, "data: ", repeatedByte('x'), 0);
                return false;
            };
            default -> throw new IllegalArgumentException("unknown scenario " + scenario
                    + ": use endless or huge-event");
        };

        try (ScriptedHttpServer server = ScriptedHttpServer.start(endless);
                MemorySampler sampler = MemorySampler.start();
                NettyInferenceClient client = NettyInferenceClient.create(
                        ClientOptions.builder(server.baseUrl(false))
                                .ioThreads(1)
                                .requestTimeoutMillis(DEADLINE_MILLIS)
                                .build())) {
            long start = System.nanoTime();
            EndToEndRun.Result run = EndToEndRun.run(client, server.baseUrl(false), out,
                    scenario, scenario, USERS, REQUESTS, 16, null);
            double seconds = (System.nanoTime() - start) / 1e9;

            long events = run.requests().stream().mapToLong(line -> line.tokenEvents()).sum();
            figure("run_seconds", String.format(Locale.ROOT, "%.1f", seconds));
            figure("token_events", Long.toString(events));
            figure("max_heap_mib", mebibytes(Runtime.getRuntime().maxMemory()));
            sampler.printPeaks();
            System.out.println("run " + scenario + " " + run.result().outcome());
        }
        System.exit(0);
    }

    /**
     * Sends the status line, then {@code prefix}, then {@code block} every {@code pauseMillis}
     * (without pause for 0) until the client hangs up.
     */
    private static void writeForever(OutputStream output, String prefix, byte[] block,
            long pauseMillis) throws Exception {
        ScriptedHttpServer.writeHead(output, "200 OK", "Content-Type: text/event-stream",
                "Connection: close");
        output.write(prefix.getBytes(StandardCharsets.US_ASCII));
        while (true) {
            output.write(block);
            output.flush();
            if (pauseMillis > 0) {
                Thread.sleep(pauseMillis);
            }
        }
    }

    private static byte[] repeatedEvents(int events) {
        byte[] event = ScriptedHttpServer.chatEvent("token", null).getBytes(StandardCharsets.UTF_8);
        byte[] block = new byte[event.length * events];
        for (int offset = 0; offset < block.length; offset += event.length) {
            System.arraycopy(event, 0, block, offset, event.length);
        }
        return block;
    }

    private static byte[] repeatedByte(char value) {
        byte[] block = new byte[64 * 1024];
        Arrays.fill(block, (byte) value);
        return block;
    }

    static void figure(String name, String value) {
        System.out.println("figure " + name + " " + value);
    }

    static String mebibytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0));
    }

    /** Samples used heap and Netty's direct memory every 5 ms and keeps the peaks. */
    static final class MemorySampler implements AutoCloseable {
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private final AtomicLong peakHeap = new AtomicLong();
        private final AtomicLong peakNettyDirect = new AtomicLong();
        private final AtomicLong peakAllocatorDirect = new AtomicLong();
        private final Thread thread;
        private volatile boolean running = true;

        private MemorySampler() {
            thread = new Thread(this::sample, "memory-sampler");
            thread.setDaemon(true);
        }

        static MemorySampler start() {
            MemorySampler sampler = new MemorySampler();
            sampler.thread.start();
            return sampler;
        }

        private void sample() {
            while (running) {
                peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                peakNettyDirect.accumulateAndGet(PlatformDependent.usedDirectMemory(), Math::max);
                if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
                    peakAllocatorDirect.accumulateAndGet(
                            provider.metric().usedDirectMemory(), Math::max);
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void printPeaks() {
            figure("peak_heap_used_mib", mebibytes(peakHeap.get()));
            figure("peak_netty_direct_mib", mebibytes(peakNettyDirect.get()));
            figure("peak_allocator_direct_mib", mebibytes(peakAllocatorDirect.get()));
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join();
        }
    }
}
