package io.tokenmark.netty.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when Netty's leak detector reports a {@code ByteBuf} that was never released.
 *
 * <p>Registered for every test class through JUnit's extension auto-detection, so its static
 * initializer runs before any test touches a buffer: it switches leak detection to paranoid (every
 * buffer tracked) and installs a detector factory that records each report. After each test it
 * runs the garbage collector, lets the detector poll its queue, and fails on any report
 * collected since the previous test. A leak is found only once its buffer is unreachable, so a
 * report can surface one test late. The failure message carries Netty's access records, which
 * show where the buffer was used.
 */
public final class LeakCheckExtension implements AfterEachCallback {
    private static final List<String> LEAKS = new ArrayList<>();

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> found = collectLeaks();
        if (!found.isEmpty()) {
            throw new AssertionError(found.size() + " ByteBuf leak(s) reported after "
                    + context.getDisplayName() + ":\n" + String.join("\n\n", found));
        }
    }

    /** Runs the collector, makes the detectors poll, and returns and clears the reports. */
    public static List<String> collectLeaks() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            System.runFinalization();
            // Leak reports are produced when a new buffer is tracked; allocate a few to poll.
            for (int j = 0; j < 16; j++) {
                ByteBuf probe = PooledByteBufAllocator.DEFAULT.directBuffer(8);
                probe.release();
                ByteBuf heap = UnpooledByteBufAllocator.DEFAULT.heapBuffer(8);
                heap.release();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (LEAKS) {
            List<String> copy = new ArrayList<>(LEAKS);
            LEAKS.clear();
            return copy;
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(
                Class<T> resource, int samplingInterval, long maxActive) {
            return new ResourceLeakDetector<T>(resource, samplingInterval) {
                @Override
                protected boolean needReport() {
                    return true;
                }

                @Override
                protected void reportTracedLeak(String resourceType, String records) {
                    // Not logged as well: the failing test's message carries the records.
                    record("LEAK " + resourceType + records);
                }

                @Override
                protected void reportUntracedLeak(String resourceType) {
                    record("LEAK " + resourceType + " (no access records)");
                }
            };
        }

        private static void record(String report) {
            synchronized (LEAKS) {
                LEAKS.add(report);
            }
        }
    }
}
