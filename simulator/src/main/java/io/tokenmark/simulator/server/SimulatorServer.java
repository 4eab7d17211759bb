package io.tokenmark.simulator.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.engine.EngineModel;
import io.tokenmark.simulator.truth.GroundTruth;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The Netty side of a simulator: one event-loop thread that accepts connections, serves every
 * one of them and runs the engine.
 *
 * <p>A single thread keeps the engine and all its streams on one clock and avoids hand-offs
 * between threads on the per-token path; it is designed to drive thousands of concurrent
 * streams. Use {@code io.tokenmark.simulator.Simulator}, the public handle, rather than this
 * class.
 *
 * <p><b>Threading:</b> {@link #start} and {@link #close} may be called from any thread except
 * the server's own.
 */
public final class SimulatorServer {
    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final ServerContext context;
    private final boolean epoll;

    private SimulatorServer(EventLoopGroup group, Channel serverChannel, ServerContext context,
            boolean epoll) {
        this.group = group;
        this.serverChannel = serverChannel;
        this.context = context;
        this.epoll = epoll;
    }

    /**
     * Binds the server and starts serving.
     *
     * @throws IllegalStateException when the address cannot be bound, naming it and the cause
     */
    public static SimulatorServer start(SimulatorOptions options, GroundTruth groundTruth) {
        boolean epoll = options.nativeTransport() && Epoll.isAvailable();
        IoHandlerFactory ioHandler = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType =
                epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("tokenmark-simulator", true), ioHandler);
        EventLoop loop = group.next();

        EngineModel engine = options.profile().newEngine(
                options.timeScale(), options.tokensPerChunk(), options.seed());
        ChannelGroup channels = new DefaultChannelGroup("tokenmark-simulator", loop);
        ServerContext context = new ServerContext(options, new EngineDriver(loop, engine),
                groundTruth, channels);

        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group, group)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 8192)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new SimulatorChannelInitializer(context));
        try {
            Channel channel = bootstrap.bind(options.host(), options.port())
                    .syncUninterruptibly().channel();
            return new SimulatorServer(group, channel, context, epoll);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
            throw new IllegalStateException("could not bind the simulator to " + options.host()
                    + ":" + options.port() + " (" + e + "): choose another --host or --port", e);
        }
    }

    /** Returns the bound address, with the chosen port when port 0 was requested. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Returns whether the epoll transport is in use (else Java NIO). */
    public boolean usesEpoll() {
        return epoll;
    }

    /**
     * Returns the number of running and waiting sequences in the engine, read on the event loop.
     * Blocks until the loop has run the read.
     */
    public int[] engineLoad() {
        return serverChannel.eventLoop().submit(() -> new int[] {
            context.driver.runningSequences(), context.driver.waitingSequences()})
                .syncUninterruptibly().getNow();
    }

    /**
     * Stops accepting, closes every connection (requests in progress end with outcome
     * {@code SERVER_CLOSED}) and stops the event loop. Blocks until it has stopped.
     */
    public void close() {
        context.markClosing();
        serverChannel.close().syncUninterruptibly();
        serverChannel.eventLoop().submit(() -> {
            context.driver.stop();
            context.stopPromptCounting();
            return context.channels.close();
        }).syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
