package io.tokenmark.jmh.perf;

import io.tokenmark.core.workload.ChatMessage;
import io.tokenmark.core.workload.RequestSpec;
import io.tokenmark.core.workload.Workload;
import java.util.List;

/**
 * A workload of one chat request repeated, for which the simulator streams exactly a given
 * number of token events: {@code max_tokens} set to that number with {@code ignore_eos}.
 * Immutable and thread-safe.
 */
final class FixedLengthWorkload implements Workload {
    private final RequestSpec spec;

    /**
     * @param tokens token events per response, at least 1
     * @throws IllegalArgumentException if {@code tokens} is less than 1
     */
    FixedLengthWorkload(int tokens) {
        this.spec = request(tokens);
    }

    /** Returns a chat request for exactly {@code tokens} token events from the simulator. */
    static RequestSpec request(int tokens) {
        return RequestSpec.builder()
                .messages(List.of(ChatMessage.user("Count to a hundred.")))
                .maxTokens(tokens)
                .ignoreEos(true)
                .build();
    }

    @Override
    public String description() {
        return "fixed: " + spec.maxTokens() + " token events, ignore_eos";
    }

    @Override
    public int size() {
        return 1;
    }

    @Override
    public RequestSpec get(long sequence) {
        return spec;
    }
}
