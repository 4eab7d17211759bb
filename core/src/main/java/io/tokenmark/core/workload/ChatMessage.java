package io.tokenmark.core.workload;

import java.util.Objects;

/**
 * One chat message of an OpenAI {@code messages} array.
 *
 * @param role {@code system}, {@code user}, {@code assistant} or another role the server accepts
 * @param content the message text
 */
public record ChatMessage(String role, String content) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    /** Returns a {@code user} message. */
    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    /** Returns a {@code system} message. */
    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }
}
