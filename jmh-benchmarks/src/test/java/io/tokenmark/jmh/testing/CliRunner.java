package io.tokenmark.jmh.testing;

import io.tokenmark.core.tokenizer.HuggingFaceTokenizer;
import io.tokenmark.core.tokenizer.SharedQwen3;
import io.tokenmark.core.tokenizer.Tokenizer;
import io.tokenmark.core.workload.ChatMessage;
import io.tokenmark.jmh.cli.CliContext;
import io.tokenmark.jmh.cli.StopSignals;
import io.tokenmark.jmh.cli.TokenMarkCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the {@code tokenmark} command line in this JVM with a captured console, and with the
 * shared bundled tokenizer instead of a new one per run, because loading one takes a second.
 */
public final class CliRunner {
    private CliRunner() {
    }

    /** What a command printed and returned. */
    public record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out ---\n" + out + "\n--- err ---\n" + err;
        }
    }

    /** Runs {@code args} with an empty environment. */
    public static Result run(String... args) {
        return run(Map.of(), StopSignals.manual(), args);
    }

    /** Runs {@code args} with the given environment and stop signals. */
    public static Result run(Map<String, String> environment, StopSignals stopSignals,
            String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext context = new CliContext(new PrintWriter(out, true), new PrintWriter(err, true),
                environment, false, 80, CliRunner::tokenizer, stopSignals, 2);
        int code = TokenMarkCommand.execute(context, args);
        return new Result(code, out.toString(), err.toString());
    }

    /** Returns the shared bundled tokenizer for {@code null}, else loads the file. */
    public static Tokenizer tokenizer(Path path) {
        return path == null ? new Unclosed(SharedQwen3.tokenizer()) : HuggingFaceTokenizer.load(path);
    }

    /** A tokenizer whose {@link #close()} does nothing, so the shared one stays usable. */
    private static final class Unclosed implements Tokenizer {
        private final Tokenizer delegate;

        Unclosed(Tokenizer delegate) {
            this.delegate = delegate;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public int[] encode(String text) {
            return delegate.encode(text);
        }

        @Override
        public int count(String text) {
            return delegate.count(text);
        }

        @Override
        public int[] tokenEnds(String text) {
            return delegate.tokenEnds(text);
        }

        @Override
        public String decode(int[] ids) {
            return delegate.decode(ids);
        }

        @Override
        public int vocabularySize() {
            return delegate.vocabularySize();
        }

        @Override
        public int[] addedTokenIds() {
            return delegate.addedTokenIds();
        }

        @Override
        public boolean isAddedToken(int id) {
            return delegate.isAddedToken(id);
        }

        @Override
        public int countCompletionPrompt(String prompt) {
            return delegate.countCompletionPrompt(prompt);
        }

        @Override
        public Optional<String> renderChatPrompt(List<ChatMessage> messages) {
            return delegate.renderChatPrompt(messages);
        }

        @Override
        public int countChatPrompt(List<ChatMessage> messages) {
            return delegate.countChatPrompt(messages);
        }

        @Override
        public void close() {
        }
    }
}
