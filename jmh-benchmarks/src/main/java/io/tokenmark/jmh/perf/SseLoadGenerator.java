package io.tokenmark.jmh.perf;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A load generator much lighter than the TokenMark client, for measuring what the simulator
 * alone can serve. Each connection sends one prepared streaming request. It then only counts
 * the SSE events in the response bytes, without decoding HTTP, SSE or JSON.
 *
 * <p><b>Counting.</b> An SSE event ends with a blank line, which the simulator writes as
 * {@code "\n\n"}. The HTTP chunk framing around it ({@code "\r\n"} before and after) never
 * contains two LFs in a row, so each {@code "\n\n"} in the raw bytes, also when split across
 * reads, is one event: the role chunk, every token event, the usage chunk and {@code [DONE]}.
 * A window in which no stream starts or ends therefore counts token events only.
 *
 * <p><b>Threading:</b> all connections run on one event-loop thread named
 * {@code tokenmark-loadgen-*}; {@link #events()} and {@link #openStreams()} may be read from any
 * thread.
 */
final class SseLoadGenerator implements AutoCloseable {
    /** Name prefix of the generator's event-loop thread. */
    static final String THREAD_PREFIX = "tokenmark-loadgen-";

    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final ByteBuf request;
    private final LongAdder events = new LongAdder();
    private final AtomicInteger openStreams = new AtomicInteger();
    private final AtomicInteger failedConnects = new AtomicInteger();

    /**
     * @param baseUrl the simulator's base URL, such as {@code http://127.0.0.1:8000/v1}
     * @param model the model name to request
     * @param maxTokens the {@code max_tokens} of every request, sent with {@code ignore_eos}
     */
    SseLoadGenerator(URI baseUrl, String model, int maxTokens) {
        boolean epoll = Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory(THREAD_PREFIX.substring(0, THREAD_PREFIX.length() - 1),
                        true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.request = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(
                requestBytes(baseUrl, model, maxTokens)));
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .remoteAddress(new InetSocketAddress(baseUrl.getHost(), baseUrl.getPort()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new EventCounter(events));
                    }
                });
    }

    static byte[] requestBytes(URI baseUrl, String model, int maxTokens) {
        String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Count to a hundred.\"}],\"max_tokens\":" + maxTokens
                + ",\"ignore_eos\":true,\"stream\":true}";
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + baseUrl.getPath() + "/chat/completions HTTP/1.1\r\n"
                + "Host: " + baseUrl.getHost() + ":" + baseUrl.getPort() + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Accept: text/event-stream\r\n"
                + "Content-Length: " + bodyBytes.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[headBytes.length + bodyBytes.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(bodyBytes, 0, all, headBytes.length, bodyBytes.length);
        return all;
    }

    /** Opens one connection and sends the request on it; returns at once. */
    void openStream() {
        bootstrap.connect().addListener((ChannelFutureListener) future -> {
            if (!future.isSuccess()) {
                failedConnects.incrementAndGet();
                return;
            }
            Channel channel = future.channel();
            openStreams.incrementAndGet();
            channel.closeFuture().addListener(closed -> openStreams.decrementAndGet());
            channel.writeAndFlush(request.duplicate());
        });
    }

    /** Returns the number of SSE events received so far, over all connections. */
    long events() {
        return events.sum();
    }

    /** Returns the number of connections open now. */
    int openStreams() {
        return openStreams.get();
    }

    /** Returns the number of connections that could not be opened. */
    int failedConnects() {
        return failedConnects.get();
    }

    /** Closes every connection and stops the event loop; blocks until it has stopped. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * Counts {@code "\n\n"} pairs in the bytes of one connection, also when a pair is split
     * across reads; three LFs in a row count once. One instance per connection.
     */
    static final class EventCounter extends ChannelInboundHandlerAdapter {
        private final LongAdder events;
        /** Whether the last byte read was an LF not yet paired with the one before it. */
        private boolean unpairedLfAtEnd;

        EventCounter(LongAdder events) {
            this.events = events;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                ByteBuf bytes = (ByteBuf) msg;
                int index = bytes.readerIndex();
                int end = bytes.writerIndex();
                // Position of the latest LF, and whether it still waits for a partner. An LF
                // that ended the previous read counts as sitting just before this read's first
                // byte.
                int previousLf = index - 1;
                boolean previousUnpaired = unpairedLfAtEnd;
                int found = 0;
                while (index < end) {
                    int lf = bytes.indexOf(index, end, (byte) '\n');
                    if (lf < 0) {
                        break;
                    }
                    if (previousUnpaired && lf == previousLf + 1) {
                        found++;
                        previousUnpaired = false;
                    } else {
                        previousUnpaired = true;
                    }
                    previousLf = lf;
                    index = lf + 1;
                }
                unpairedLfAtEnd = previousUnpaired && previousLf == end - 1;
                if (found > 0) {
                    events.add(found);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
