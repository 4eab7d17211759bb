package io.tokenmark.netty.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link BusyTimeIoHandler} on real event loops of both transports: it counts tasks and the
 * handling of socket reads, and leaves out the time a loop waits for readiness.
 *
 * <p>The checks compare the count with work of known length (a busy-spin of tens of
 * milliseconds) and with an idle period, with margins wide enough for a loaded machine; they
 * check what is counted, not how fast anything runs.
 */
class BusyTimeIoHandlerTest {
    private static final long SPIN_NANOS = TimeUnit.MILLISECONDS.toNanos(40);

    enum Transport { EPOLL, NIO }

    static Stream<Transport> transports() {
        return Stream.of(Transport.values());
    }

    /** One event loop whose handler is wrapped, with the registry that sums its busy time. */
    private record Loop(EventLoopGroup group, List<BusyTimeIoHandler> handlers,
            Transport transport) implements AutoCloseable {
        static Loop start(Transport transport) {
            if (transport == Transport.EPOLL) {
                Assumptions.assumeTrue(Epoll.isAvailable(), "the epoll transport is not available");
            }
            IoHandlerFactory plain = transport == Transport.EPOLL
                    ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
            List<BusyTimeIoHandler> handlers = BusyTimeIoHandler.newRegistry();
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                    BusyTimeIoHandler.wrap(plain, handlers));
            // Runs a task so that the loop thread and its handler exist before the test reads.
            group.submit(() -> { }).syncUninterruptibly();
            return new Loop(group, handlers, transport);
        }

        long busyNanos() {
            long sum = 0;
            for (BusyTimeIoHandler handler : handlers) {
                sum += handler.busyNanos();
            }
            return sum;
        }

        @Override
        public void close() {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * Waits until the count has grown by {@code nanos} since {@code before}, at most 5 seconds,
     * and returns the growth. Work is added when the loop next enters the I/O handler, which a
     * completed task future does not prove.
     */
    private static long awaitGrowth(Loop loop, long before, long nanos)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        long growth = loop.busyNanos() - before;
        while (growth < nanos && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
            growth = loop.busyNanos() - before;
        }
        return growth;
    }

    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void busyTimeCountsTasks(Transport transport) throws InterruptedException {
        try (Loop loop = Loop.start(transport)) {
            long before = loop.busyNanos();

            loop.group().submit(() -> spin(SPIN_NANOS)).syncUninterruptibly();

            assertThat(loop.handlers()).hasSize(1);
            assertThat(awaitGrowth(loop, before, SPIN_NANOS)).isGreaterThanOrEqualTo(SPIN_NANOS);
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void busyTimeLeavesOutIdleWait(Transport transport) throws InterruptedException {
        try (Loop loop = Loop.start(transport)) {
            long before = loop.busyNanos();
            long start = System.nanoTime();

            Thread.sleep(300);
            loop.group().submit(() -> { }).syncUninterruptibly();

            long elapsed = System.nanoTime() - start;
            assertThat(loop.busyNanos() - before).isLessThan(elapsed / 2);
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void busyTimeCountsSocketReads(Transport transport) throws Exception {
        int bytes = 3;
        CountDownLatch received = new CountDownLatch(bytes);
        AtomicInteger reads = new AtomicInteger();
        try (Loop loop = Loop.start(transport);
                ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Channel channel = new Bootstrap()
                    .group(loop.group())
                    .channel(transport == Transport.EPOLL
                            ? EpollSocketChannel.class : NioSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            int length = ((ByteBuf) msg).readableBytes();
                            ReferenceCountUtil.release(msg);
                            spin(SPIN_NANOS);
                            reads.incrementAndGet();
                            for (int i = 0; i < length; i++) {
                                received.countDown();
                            }
                        }
                    })
                    .connect(server.getLocalSocketAddress()).syncUninterruptibly().channel();
            long before;
            try (Socket peer = server.accept()) {
                peer.setTcpNoDelay(true);
                before = loop.busyNanos();
                OutputStream out = peer.getOutputStream();
                for (int i = 0; i < bytes; i++) {
                    out.write('x');
                    out.flush();
                    Thread.sleep(SPIN_NANOS / 1_000_000 * 2);
                }
                assertThat(received.await(10, TimeUnit.SECONDS)).isTrue();
            }
            channel.close().syncUninterruptibly();

            long expected = reads.get() * SPIN_NANOS;
            assertThat(awaitGrowth(loop, before, expected)).isGreaterThanOrEqualTo(expected);
        }
    }
}
