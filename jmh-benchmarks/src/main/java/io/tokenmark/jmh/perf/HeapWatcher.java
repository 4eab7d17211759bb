package io.tokenmark.jmh.perf;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Watches the heap through the garbage collectors' notifications: the most heap in use right
 * after a collection (the live data plus what the collection left), the number of collections
 * and their summed duration. Live data is what a heap limit must hold, so this is the figure to
 * compare with {@code -Xmx}; heap use sampled between collections also counts garbage.
 *
 * <p>Thread-safe; notifications arrive on a JMX thread. {@link #close()} stops listening.
 */
final class HeapWatcher implements NotificationListener, AutoCloseable {
    private final Set<String> heapPools = new HashSet<>();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final AtomicLong maxUsedAfterGc = new AtomicLong();
    private final AtomicLong collections = new AtomicLong();
    private final AtomicLong collectionMillis = new AtomicLong();

    HeapWatcher() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(this, null, null);
                emitters.add(emitter);
            }
        }
    }

    @Override
    public void handleNotification(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
                .equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                (CompositeData) notification.getUserData());
        long used = 0;
        for (Map.Entry<String, MemoryUsage> pool
                : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
        }
        maxUsedAfterGc.accumulateAndGet(used, Math::max);
        collections.incrementAndGet();
        collectionMillis.addAndGet(info.getGcInfo().getDuration());
    }

    /** Returns the most heap in use right after a collection, in bytes; 0 before the first. */
    long maxUsedAfterGcBytes() {
        return maxUsedAfterGc.get();
    }

    /** Returns the number of collections seen. */
    long collections() {
        return collections.get();
    }

    /** Returns the summed duration of the collections seen, in ms. */
    long collectionMillis() {
        return collectionMillis.get();
    }

    /**
     * Returns the peak resident set size of this process ({@code VmHWM} of
     * {@code /proc/self/status}) in bytes, or -1 where that file does not exist.
     */
    static long peakResidentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String kilobytes = line.substring("VmHWM:".length()).replace("kB", "").strip();
                    return Long.parseLong(kilobytes) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: the figure is unavailable.
        }
        return -1;
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(this);
            } catch (ListenerNotFoundException e) {
                // Already removed: nothing left to do.
            }
        }
    }
}
