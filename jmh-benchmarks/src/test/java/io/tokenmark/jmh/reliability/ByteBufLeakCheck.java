package io.tokenmark.jmh.reliability;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when Netty's leak detector reports a {@code ByteBuf} that was never released, in
 * the client or in the simulator, which share the test's JVM.
 *
 * <p>Before a test class runs it sets leak detection to paranoid (every buffer tracked, with
 * access records) and installs a listener with {@link ByteBufUtil#setLeakListener}, which works
 * whatever buffers were allocated earlier in the JVM. After each test it runs the garbage
 * collector, allocates a few buffers so that the detector polls its queue, and fails on every
 * report since the previous test. A buffer is reported only once it is unreachable, so a leak
 * can surface one test late.
 *
 * <p>The same check serves child processes: {@link #install()} and {@link #collectLeaks()}.
 */
public final class ByteBufLeakCheck implements BeforeAllCallback, AfterEachCallback {
    private static final List<String> LEAKS = new ArrayList<>();

    @Override
    public void beforeAll(ExtensionContext context) {
        install();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> found = collectLeaks();
        if (!found.isEmpty()) {
            throw new AssertionError(found.size() + " ByteBuf leak(s) reported after "
                    + context.getDisplayName() + ":\n" + String.join("\n\n", found));
        }
    }

    /** Switches leak detection to paranoid and records every leak report from now on. */
    public static void install() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        listen();
    }

    /**
     * Records every leak report from now on, at the detection level the JVM was started with
     * ({@code -Dio.netty.leakDetection.level}).
     */
    public static void listen() {
        ByteBufUtil.setLeakListener((resourceType, records) -> {
            synchronized (LEAKS) {
                LEAKS.add("LEAK " + resourceType + records);
            }
        });
    }

    /** Runs the collector, makes the detector poll, and returns and clears the reports. */
    public static List<String> collectLeaks() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            // A detector polls its queue of collected buffers when it tracks a new one.
            for (int j = 0; j < 16; j++) {
                ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(8);
                direct.release();
                ByteBuf heap = UnpooledByteBufAllocator.DEFAULT.heapBuffer(8);
                heap.release();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        synchronized (LEAKS) {
            List<String> copy = new ArrayList<>(LEAKS);
            LEAKS.clear();
            return copy;
        }
    }
}
