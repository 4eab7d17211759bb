package io.tokenmark.netty.openai;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Writes seeded random JSON documents shaped like stream chunks, for the differential test of
 * {@link ChunkScanner}: the recognised members with values of the expected and of unexpected
 * types, unknown members, nested junk, every string escape, raw and escaped non-ASCII text
 * including surrogate pairs, numbers of every form, whitespace between any two tokens, and
 * members in random order. Member names are unique within each object, escaped names
 * included, because a Jackson tree keeps only one value per name.
 */
final class ChunkDocumentGenerator {
    private static final String[] WHITESPACE = {" ", "\t", "\n", "\r", "  ", "\r\n"};
    private static final String[] FINISH_REASONS = {
        "stop", "length", "tool_calls", "content_filter", "abort", "eos_token", "", "other"
    };
    private static final String[] NUMBERS = {
        "0", "-0", "7", "-12", "2147483647", "-2147483648", "2147483648", "9007199254740993",
        "123456789012345678901234567890", "1.5", "-0.25", "0.0", "1e3", "1E+2", "-3e-7",
        "6.02214076e23", "1.0E-0"
    };
    private static final String[] COUNTS = {
        "0", "1", "17", "-3", "2147483647", "-2147483648", "12.0", "1e2", "-0"
    };

    private final Random random;
    private final StringBuilder out = new StringBuilder();

    ChunkDocumentGenerator(long seed) {
        this.random = new Random(seed);
    }

    /** Returns the UTF-8 bytes of the next document. */
    byte[] next() {
        out.setLength(0);
        whitespace();
        chunk();
        whitespace();
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void chunk() {
        List<Runnable> members = new ArrayList<>();
        Set<String> names = new HashSet<>();
        optional(members, names, 0.7, "id", () -> string(plainText()));
        optional(members, names, 0.7, "object", () -> string("chat.completion.chunk"));
        optional(members, names, 0.6, "created", () -> out.append(random.nextInt(2_000_000_000)));
        optional(members, names, 0.7, "model", () -> string("Qwen/Qwen3-235B-A22B"));
        optional(members, names, 0.9, "choices", () -> oneOf(0.9, this::choices, this::junk));
        optional(members, names, 0.3, "usage", () -> oneOf(0.85, this::usage, this::junk));
        optional(members, names, 0.08, "error", this::error);
        unknownMembers(members, names);
        object(members);
    }

    private void choices() {
        int count = random.nextInt(4);
        out.append('[');
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                comma();
            }
            whitespace();
            oneOf(0.9, this::choice, this::junk);
            whitespace();
        }
        out.append(']');
    }

    private void choice() {
        List<Runnable> members = new ArrayList<>();
        Set<String> names = new HashSet<>();
        optional(members, names, 0.8, "index", () -> out.append(random.nextInt(4)));
        optional(members, names, 0.8, "delta", () -> oneOf(0.9, this::delta, this::junk));
        optional(members, names, 0.25, "text", this::textValue);
        optional(members, names, 0.4, "logprobs", this::junk);
        optional(members, names, 0.6, "finish_reason", () -> oneOf(0.6, () -> out.append("null"),
                () -> oneOf(0.8, this::finishReason, this::junk)));
        optional(members, names, 0.2, "stop_reason", this::junk);
        unknownMembers(members, names);
        object(members);
    }

    private void finishReason() {
        string(FINISH_REASONS[random.nextInt(FINISH_REASONS.length)]);
    }

    private void delta() {
        List<Runnable> members = new ArrayList<>();
        Set<String> names = new HashSet<>();
        optional(members, names, 0.3, "role", () -> string("assistant"));
        optional(members, names, 0.6, "content", this::textValue);
        optional(members, names, 0.3, "reasoning_content", this::textValue);
        optional(members, names, 0.2, "reasoning", this::textValue);
        optional(members, names, 0.15, "tool_calls",
                () -> oneOf(0.85, this::toolCalls, this::junk));
        optional(members, names, 0.08, "function_call",
                () -> oneOf(0.8, this::function, this::junk));
        unknownMembers(members, names);
        object(members);
    }

    private void toolCalls() {
        int count = random.nextInt(3);
        out.append('[');
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                comma();
            }
            int index = i;
            oneOf(0.85, () -> {
                List<Runnable> members = new ArrayList<>();
                Set<String> names = new HashSet<>();
                optional(members, names, 0.7, "index", () -> out.append(index));
                optional(members, names, 0.5, "id", () -> string(plainText()));
                optional(members, names, 0.5, "type", () -> string("function"));
                optional(members, names, 0.9, "function",
                        () -> oneOf(0.9, this::function, this::junk));
                unknownMembers(members, names);
                object(members);
            }, this::junk);
        }
        out.append(']');
    }

    private void function() {
        List<Runnable> members = new ArrayList<>();
        Set<String> names = new HashSet<>();
        optional(members, names, 0.5, "name", () -> string("get_weather"));
        optional(members, names, 0.9, "arguments", this::textValue);
        unknownMembers(members, names);
        object(members);
    }

    private void usage() {
        List<Runnable> members = new ArrayList<>();
        Set<String> names = new HashSet<>();
        optional(members, names, 0.9, "prompt_tokens", this::count);
        optional(members, names, 0.5, "total_tokens", this::count);
        optional(members, names, 0.9, "completion_tokens", this::count);
        unknownMembers(members, names);
        object(members);
    }

    private void count() {
        oneOf(0.9, () -> out.append(COUNTS[random.nextInt(COUNTS.length)]), this::junk);
    }

    private void error() {
        switch (random.nextInt(5)) {
            case 0 -> out.append("null");
            case 1 -> string(randomText());
            case 2 -> {
                List<Runnable> members = new ArrayList<>();
                Set<String> names = new HashSet<>();
                optional(members, names, 0.8, "message", () -> oneOf(0.8,
                        () -> string(randomText()), this::junk));
                optional(members, names, 0.5, "type", () -> string("BadRequestError"));
                optional(members, names, 0.5, "code", () -> out.append(400));
                unknownMembers(members, names);
                object(members);
            }
            default -> junk();
        }
    }

    /** Writes a string of random text (often empty or short), sometimes null or another type. */
    private void textValue() {
        int pick = random.nextInt(10);
        if (pick == 0) {
            out.append("null");
        } else if (pick == 1) {
            junk();
        } else if (pick == 2) {
            string("");
        } else {
            string(randomText());
        }
    }

    /** Writes any JSON value, nested up to a few levels. */
    private void junk() {
        junk(0);
    }

    private void junk(int depth) {
        int pick = random.nextInt(depth >= 3 ? 5 : 7);
        switch (pick) {
            case 0 -> out.append("null");
            case 1 -> out.append(random.nextBoolean() ? "true" : "false");
            case 2 -> out.append(NUMBERS[random.nextInt(NUMBERS.length)]);
            case 3, 4 -> string(randomText());
            case 5 -> {
                int count = random.nextInt(4);
                out.append('[');
                for (int i = 0; i < count; i++) {
                    if (i > 0) {
                        comma();
                    }
                    whitespace();
                    junk(depth + 1);
                    whitespace();
                }
                out.append(']');
            }
            default -> {
                List<Runnable> members = new ArrayList<>();
                Set<String> names = new HashSet<>();
                int count = random.nextInt(4);
                for (int i = 0; i < count; i++) {
                    // Junk objects may use the recognised names too, at the wrong level.
                    String name = random.nextInt(3) == 0 ? "content" + i : randomText();
                    optional(members, names, 1.0, name, () -> junk(depth + 1));
                }
                object(members);
            }
        }
    }

    private void unknownMembers(List<Runnable> members, Set<String> names) {
        int count = random.nextInt(3) == 0 ? 1 + random.nextInt(3) : 0;
        for (int i = 0; i < count; i++) {
            optional(members, names, 1.0, randomText(), this::junk);
        }
    }

    /** Adds the member {@code name} with probability {@code p} unless the object has that name. */
    private void optional(List<Runnable> members, Set<String> names, double p, String name,
            Runnable value) {
        if (random.nextDouble() >= p || !names.add(name)) {
            return;
        }
        members.add(() -> {
            whitespace();
            name(name);
            whitespace();
            out.append(':');
            whitespace();
            value.run();
            whitespace();
        });
    }

    private void object(List<Runnable> members) {
        Collections.shuffle(members, random);
        out.append('{');
        for (int i = 0; i < members.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            members.get(i).run();
        }
        if (members.isEmpty()) {
            whitespace();
        }
        out.append('}');
    }

    private void oneOf(double p, Runnable first, Runnable second) {
        if (random.nextDouble() < p) {
            first.run();
        } else {
            second.run();
        }
    }

    private void comma() {
        whitespace();
        out.append(',');
        whitespace();
    }

    private void whitespace() {
        if (random.nextInt(4) == 0) {
            out.append(WHITESPACE[random.nextInt(WHITESPACE.length)]);
        }
    }

    /** Writes a member name, sometimes with one ASCII letter written as a hex escape. */
    private void name(String name) {
        if (random.nextInt(8) != 0 || name.isEmpty()) {
            string(name, false);
            return;
        }
        int at = random.nextInt(name.length());
        StringBuilder escaped = new StringBuilder("\"");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (i == at || c == '"' || c == '\\' || c < 0x20) {
                escaped.append(String.format("\\u%04x", (int) c));
            } else {
                escaped.append(c);
            }
        }
        out.append(escaped).append('"');
    }

    /** Writes {@code text} as a JSON string value. */
    private void string(String text) {
        string(text, true);
    }

    /**
     * Writes {@code text} as a JSON string, choosing among the valid spellings of each char, and
     * sometimes starting it with an escaped lone surrogate when {@code loneSurrogate} is set.
     * Jackson rejects lone surrogates in member names, so names never get one.
     */
    private void string(String text, boolean loneSurrogate) {
        out.append('"');
        if (loneSurrogate && random.nextInt(30) == 0) {
            // A lone surrogate is valid JSON when escaped, though not valid UTF-16 text.
            out.append(random.nextBoolean() ? "\\ud83d" : "\\uDE00");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
                // A pair is written raw or as two escapes, never half and half.
                char low = text.charAt(++i);
                out.append(random.nextInt(4) != 0 ? String.valueOf(c) + low
                        : String.format("\\u%04x\\u%04X", (int) c, (int) low));
                continue;
            }
            boolean mustEscape = c == '"' || c == '\\' || c < 0x20;
            if (!mustEscape && random.nextInt(12) != 0) {
                out.append(c);
                continue;
            }
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '/' -> out.append(random.nextBoolean() ? "\\/" : "/");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(String.format(random.nextBoolean() ? "\\u%04x" : "\\u%04X",
                        (int) c));
            }
        }
        out.append('"');
    }

    private String plainText() {
        return "chatcmpl-" + Long.toHexString(random.nextLong());
    }

    /**
     * Returns random text: ASCII, control characters, quotes, backslashes, two-byte letters, CJK,
     * emoji and other supplementary characters.
     */
    private String randomText() {
        int length = random.nextInt(3) == 0 ? 0 : random.nextInt(12);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(10)) {
                case 0 -> text.append((char) random.nextInt(0x20));
                case 1 -> text.append("\"\\/".charAt(random.nextInt(3)));
                case 2 -> text.append((char) (0x80 + random.nextInt(0x780)));
                case 3 -> text.append((char) (0x4E00 + random.nextInt(0x5000)));
                case 4 -> text.appendCodePoint(0x1F600 + random.nextInt(0x50));
                case 5 -> text.appendCodePoint(0x10000 + random.nextInt(0x100000));
                default -> text.append((char) (0x20 + random.nextInt(0x5F)));
            }
        }
        return text.toString();
    }
}
