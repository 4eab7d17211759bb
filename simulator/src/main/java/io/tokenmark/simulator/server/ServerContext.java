package io.tokenmark.simulator.server;

import io.netty.channel.group.ChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.tokenmark.simulator.SimulatorOptions;
import io.tokenmark.simulator.openai.RequestParser;
import io.tokenmark.simulator.truth.GroundTruth;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

/**
 * State shared by every connection of one server: the options, the engine driver, the ground
 * truth and the counters that number requests.
 *
 * <p><b>Threading:</b> the counters and the driver are used on the server's single event loop
 * only; {@link #markClosing()} may be called from any thread.
 */
final class ServerContext {
    final SimulatorOptions options;
    final EngineDriver driver;
    final GroundTruth groundTruth;
    final RequestParser parser;
    final ChannelGroup channels;
    /** The {@code created} time of the model and of every response, in Unix seconds. */
    final long createdSeconds = System.currentTimeMillis() / 1000;

    private final String idPrefix =
            String.format(Locale.ROOT, "%08x", ThreadLocalRandom.current().nextInt());
    private long arrivals;
    private volatile boolean closing;
    /** Counts the prompts of a slow counter off the event loop; created on first use. */
    private ExecutorService promptCounting;

    ServerContext(SimulatorOptions options, EngineDriver driver, GroundTruth groundTruth,
            ChannelGroup channels) {
        this.options = options;
        this.driver = driver;
        this.groundTruth = groundTruth;
        this.parser = new RequestParser(options.modelName());
        this.channels = channels;
    }

    /** Returns the number of the next completion request, from 0 in arrival order. */
    long nextArrival() {
        return arrivals++;
    }

    /**
     * Returns a response id unique within the JVM run, such as {@code chatcmpl-1a2b3c4d-7}:
     * the prefix vLLM uses, a random per-server part and the arrival number.
     */
    String completionId(boolean chat, long arrival) {
        return (chat ? "chatcmpl-" : "cmpl-") + idPrefix + "-" + arrival;
    }

    /**
     * Returns the single thread that runs slow prompt counts, in arrival order. Call on the event
     * loop.
     */
    Executor promptCounting() {
        if (promptCounting == null) {
            promptCounting = Executors.newSingleThreadExecutor(
                    new DefaultThreadFactory("tokenmark-simulator-count", true));
        }
        return promptCounting;
    }

    /** Stops the prompt-counting thread, if it was started; counts not yet begun are dropped. */
    void stopPromptCounting() {
        if (promptCounting != null) {
            promptCounting.shutdownNow();
        }
    }

    void markClosing() {
        closing = true;
    }

    boolean isClosing() {
        return closing;
    }
}
