package io.tokenmark.jmh.reliability;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies everything written to {@code System.out} and {@code System.err} while it is open, and
 * still passes it through. The test classpath binds SLF4J to slf4j-simple, which looks up
 * {@code System.err} at every log call, so log lines are captured too.
 *
 * <p>Not for concurrent tests: the streams are global to the JVM.
 */
final class ConsoleCapture implements AutoCloseable {
    private final PrintStream originalOut = System.out;
    private final PrintStream originalErr = System.err;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    private ConsoleCapture() {
    }

    /** Starts capturing. */
    static ConsoleCapture start() {
        ConsoleCapture capture = new ConsoleCapture();
        System.setOut(capture.tee(capture.originalOut));
        System.setErr(capture.tee(capture.originalErr));
        return capture;
    }

    /** Returns what was written so far, both streams interleaved. */
    String text() {
        synchronized (copy) {
            return copy.toString(StandardCharsets.UTF_8);
        }
    }

    /** Restores the original streams. */
    @Override
    public void close() {
        System.out.flush();
        System.err.flush();
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    private PrintStream tee(PrintStream original) {
        OutputStream both = new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (copy) {
                    copy.write(b);
                }
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                original.write(bytes, offset, length);
                synchronized (copy) {
                    copy.write(bytes, offset, length);
                }
            }

            @Override
            public void flush() {
                original.flush();
            }
        };
        return new PrintStream(both, true, StandardCharsets.UTF_8);
    }
}
