package io.tokenmark.jmh.cli;

import io.tokenmark.core.tokenizer.HuggingFaceTokenizer;
import io.tokenmark.core.tokenizer.Tokenizer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The process resources the commands use: the console, the environment (for the API key), the
 * tokenizer loader and the source of stop requests (Ctrl-C). {@link #system()} is the
 * real process; tests build their own, for example with a shared tokenizer and a stop they
 * trigger themselves.
 *
 * @param out the standard output, for tables and progress
 * @param err the standard error, for errors and warnings
 * @param environment the environment variables
 * @param terminal whether the output is an interactive terminal, where progress is redrawn in
 *     place
 * @param terminalColumns the terminal's width in characters, which a redrawn progress line must
 *     not reach
 * @param tokenizers loads a tokenizer from a path, or the bundled Qwen3 one for {@code null}; the
 *     caller closes what it returns
 * @param stopSignals delivers stop requests, such as Ctrl-C, to a running command
 * @param availableProcessors cores available to the JVM
 */
public record CliContext(
        PrintWriter out,
        PrintWriter err,
        Map<String, String> environment,
        boolean terminal,
        int terminalColumns,
        Function<Path, Tokenizer> tokenizers,
        StopSignals stopSignals,
        int availableProcessors) {

    public CliContext {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(tokenizers, "tokenizers");
        Objects.requireNonNull(stopSignals, "stopSignals");
    }

    /**
     * Returns the context of this process: {@code System.out} and {@code System.err}, the real
     * environment, and Ctrl-C (SIGINT) or SIGTERM as stop requests through a JVM shutdown hook.
     * The output counts as a terminal when {@link System#console()} exists, which on Java 17
     * means standard input and output are both terminals, and {@code TERM} is not {@code dumb};
     * its width comes from {@link TerminalSize}.
     */
    public static CliContext system() {
        boolean terminal = System.console() != null && !"dumb".equals(System.getenv("TERM"));
        return new CliContext(
                new PrintWriter(System.out, true),
                new PrintWriter(System.err, true),
                System.getenv(),
                terminal,
                terminal ? TerminalSize.columns(System.getenv()) : TerminalSize.DEFAULT_COLUMNS,
                CliContext::loadTokenizer,
                StopSignals.shutdownHook(),
                Runtime.getRuntime().availableProcessors());
    }

    /** Returns a copy whose tokenizer loader is {@code loader}. */
    public CliContext withTokenizers(Function<Path, Tokenizer> loader) {
        return new CliContext(out, err, environment, terminal, terminalColumns, loader,
                stopSignals, availableProcessors);
    }

    private static Tokenizer loadTokenizer(Path path) {
        return path == null ? HuggingFaceTokenizer.qwen3() : HuggingFaceTokenizer.load(path);
    }
}
