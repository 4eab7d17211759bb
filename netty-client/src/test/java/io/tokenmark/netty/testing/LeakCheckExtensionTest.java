package io.tokenmark.netty.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** Proves that the leak check is active: a buffer dropped without release must be reported. */
class LeakCheckExtensionTest {

    @Test
    void leakCheckReportsUnreleasedBuffer() {
        leakOneBuffer();
        // Consuming the report here keeps this deliberate leak from failing the test.
        assertThat(LeakCheckExtension.collectLeaks()).isNotEmpty()
                .allSatisfy(report -> assertThat(report).startsWith("LEAK"));
    }

    private static void leakOneBuffer() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        leaked.writeLong(42);
    }
}
