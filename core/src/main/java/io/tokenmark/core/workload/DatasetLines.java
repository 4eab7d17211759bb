package io.tokenmark.core.workload;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a text dataset line by line as strict UTF-8, so that a byte sequence that is not UTF-8
 * fails with its line number instead of turning into U+FFFD. Lines end at LF. A CR before the LF
 * and a byte order mark at the start of the file are dropped.
 */
final class DatasetLines {
    /** Receives each line with its number, from 1. */
    @FunctionalInterface
    interface LineHandler {
        void line(int lineNumber, String line);
    }

    private DatasetLines() {
    }

    /**
     * Calls {@code handler} for every line of {@code file}, blank ones included.
     *
     * @return the number of lines
     * @throws DatasetException if the file is missing, unreadable or not UTF-8, and whatever the
     *     handler throws
     */
    static int forEachLine(Path file, LineHandler handler) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        int lineNumber = 0;
        try (InputStream in = new BufferedInputStream(open(file), 1 << 16)) {
            byte[] line = new byte[256];
            int length = 0;
            boolean endOfFile = false;
            while (!endOfFile) {
                int b = in.read();
                endOfFile = b < 0;
                if (!endOfFile && b != '\n') {
                    if (length == line.length) {
                        line = Arrays.copyOf(line, length * 2);
                    }
                    line[length++] = (byte) b;
                    continue;
                }
                if (endOfFile && length == 0) {
                    break;
                }
                lineNumber++;
                int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
                String text = decode(decoder, line, end, file, lineNumber);
                if (lineNumber == 1 && text.startsWith("\uFEFF")) {
                    text = text.substring(1);
                }
                handler.line(lineNumber, text);
                length = 0;
            }
        } catch (IOException e) {
            throw new DatasetException(file, lineNumber + 1, "read failed (" + e + "): check the file", e);
        }
        return lineNumber;
    }

    /**
     * Opens a dataset file.
     *
     * @throws DatasetException if it is missing, a folder, or unreadable
     */
    static InputStream open(Path file) {
        if (Files.isDirectory(file)) {
            throw new DatasetException(file, 0, "is a folder: give the path of the dataset file");
        }
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new DatasetException(file, 0, "file not found: check the path", e);
        } catch (AccessDeniedException e) {
            throw new DatasetException(file, 0, "permission denied: make the file readable", e);
        } catch (IOException e) {
            throw new DatasetException(file, 0, "failed to open the file (" + e + ")", e);
        }
    }

    private static String decode(CharsetDecoder decoder, byte[] bytes, int length, Path file,
            int lineNumber) {
        ByteBuffer input = ByteBuffer.wrap(bytes, 0, length);
        try {
            CharBuffer chars = decoder.reset().decode(input);
            return chars.toString();
        } catch (CharacterCodingException e) {
            // The decoder leaves the buffer at the first byte it could not decode.
            throw new DatasetException(file, lineNumber, "invalid UTF-8 byte sequence at byte "
                    + (input.position() + 1) + " of the line: save the file as UTF-8", e);
        }
    }
}
