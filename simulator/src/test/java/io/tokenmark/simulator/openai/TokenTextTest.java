package io.tokenmark.simulator.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmark.core.tokenizer.HuggingFaceTokenizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulated text re-tokenizes with Qwen3 to exactly one token per simulated token, so a
 * client that counts with the tokenizer agrees with the simulator's usage.
 */
class TokenTextTest {
    private static HuggingFaceTokenizer qwen3;

    @BeforeAll
    static void load() {
        qwen3 = HuggingFaceTokenizer.qwen3();
    }

    @AfterAll
    static void close() {
        qwen3.close();
    }

    @Test
    void everyWordIsOneQwen3Token() {
        List<String> multiToken = new ArrayList<>();
        for (int i = 0; i < TokenText.vocabularySize(); i++) {
            String word = wordAt(i);
            if (qwen3.count(word) != 1) {
                multiToken.add(word);
            }
        }
        assertThat(multiToken).isEmpty();
    }

    @Test
    void noWordPairMerges() {
        List<String> merged = new ArrayList<>();
        for (int i = 0; i < TokenText.vocabularySize(); i++) {
            for (int j = 0; j < TokenText.vocabularySize(); j++) {
                String pair = wordAt(i) + wordAt(j);
                if (qwen3.count(pair) != 2) {
                    merged.add(pair);
                }
            }
        }
        assertThat(merged).isEmpty();
    }

    @Test
    void longTextCountsItsTokens() {
        for (long seed = 0; seed < 20; seed++) {
            assertThat(qwen3.count(TokenText.text(seed, 0, 2_000))).as("seed %d", seed)
                    .isEqualTo(2_000);
        }
    }

    /** Returns the word with vocabulary index {@code index}, found through the seeded text. */
    private static String wordAt(int index) {
        for (long seed = 0; ; seed++) {
            for (int position = 0; position < 64; position++) {
                if (TokenText.wordIndex(seed, position) == index) {
                    return TokenText.word(seed, position);
                }
            }
        }
    }
}
