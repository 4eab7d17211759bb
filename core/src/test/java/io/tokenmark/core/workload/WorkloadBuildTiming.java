package io.tokenmark.core.workload;

import io.tokenmark.core.client.ApiKind;
import io.tokenmark.core.tokenizer.HuggingFaceTokenizer;
import io.tokenmark.core.tokenizer.TokenCountResolver;
import io.tokenmark.core.metric.RequestRecord;
import io.tokenmark.core.metric.TokenCountSource;
import java.util.Locale;

/**
 * A timed run, not a test: prints how long the tokenizer takes to load, to build random prompts,
 * to count text and to resolve a record's token counts. Run it from the module folder after
 * {@code mvn -pl core test-compile}, with the test classpath, as
 * {@code java -cp <classpath> io.tokenmark.core.workload.WorkloadBuildTiming}.
 *
 * <p>Figures depend on the machine and its load. Each is the best of three rounds after one
 * warm-up round.
 */
public final class WorkloadBuildTiming {
    private WorkloadBuildTiming() {
    }

    public static void main(String[] args) {
        long start = System.nanoTime();
        HuggingFaceTokenizer qwen3 = HuggingFaceTokenizer.qwen3();
        print("load bundled Qwen3 tokenizer", millis(System.nanoTime() - start), "ms");

        start = System.nanoTime();
        int usable = new ExactLengthText(qwen3).usableVocabularySize();
        print("find the " + usable + " usable token ids", millis(System.nanoTime() - start), "ms");

        timeRandom(qwen3, 1024, 64);
        timeRandom(qwen3, 8192, 16);
        timeCount(qwen3);
        timeResolve(qwen3);
        System.out.println("Processors available: " + Runtime.getRuntime().availableProcessors());
    }

    private static void timeRandom(HuggingFaceTokenizer tokenizer, int tokens, int prompts) {
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 4; round++) {
            long start = System.nanoTime();
            RandomPromptWorkload.builder(tokenizer).inputTokens(tokens).prompts(prompts).seed(round).build();
            double elapsed = millis(System.nanoTime() - start);
            if (round > 0) {
                best = Math.min(best, elapsed);
            }
        }
        print("random workload, " + prompts + " chat prompts of " + tokens + " tokens", best, "ms");
        print("  per prompt", best / prompts, "ms");
    }

    private static void timeCount(HuggingFaceTokenizer tokenizer) {
        String text = "The quick brown fox jumps over the lazy dog. ".repeat(800);
        int tokens = tokenizer.count(text);
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 4; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                tokenizer.count(text);
            }
            double elapsed = millis(System.nanoTime() - start) / 20;
            if (round > 0) {
                best = Math.min(best, elapsed);
            }
        }
        print("count " + tokens + " tokens of English", best, "ms");
        print("  throughput", tokens / best / 1000, "million tokens/s");
    }

    private static void timeResolve(HuggingFaceTokenizer tokenizer) {
        int events = 1000;
        StringBuilder answer = new StringBuilder();
        int[] ends = new int[events];
        long[] arrivals = new long[events];
        for (int i = 0; i < events; i++) {
            answer.append(i % 10 == 0 ? " word" : "s");
            ends[i] = answer.length();
            arrivals[i] = 1_000_000L + i * 20_000_000L;
        }
        RequestRecord record = RequestRecord.builder()
                .requestId(1).sendNanos(0).firstTokenNanos(arrivals[0]).lastTokenNanos(arrivals[events - 1])
                .endNanos(arrivals[events - 1] + 1).tokenEventNanos(arrivals)
                .outputTokens(events, TokenCountSource.EVENT_COUNT)
                .text(answer.toString(), ends, "", new int[events])
                .build();
        TokenCountResolver resolver = new TokenCountResolver(tokenizer, ApiKind.CHAT);

        double best = Double.MAX_VALUE;
        for (int round = 0; round < 4; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                resolver.resolve(record);
            }
            double elapsed = millis(System.nanoTime() - start) / 20;
            if (round > 0) {
                best = Math.min(best, elapsed);
            }
        }
        print("resolve a record of " + events + " token events", best, "ms");
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static void print(String what, double value, String unit) {
        System.out.println(String.format(Locale.ROOT, "%-55s %10.2f %s", what, value, unit));
    }
}
