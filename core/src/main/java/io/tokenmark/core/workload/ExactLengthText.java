package io.tokenmark.core.workload;

import io.tokenmark.core.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Builds random text that a tokenizer encodes to exactly the requested number of tokens.
 *
 * <p>Random token ids do not survive a decode and re-encode unchanged: neighbouring tokens merge
 * ({@code calls} + {@code here} re-encodes as {@code call} + {@code sh} + {@code ere}), and
 * byte-level pieces of one character may not decode alone. So the text is built as vLLM's random
 * dataset builds it, but until the count is exact: decode the ids, re-encode the text, keep the
 * first {@code n} of the re-encoded ids (or append random ones when there are fewer), and repeat.
 * After {@value #ATTEMPTS_PER_DRAW} rounds without an exact count it starts over from new random
 * ids, and it gives up after {@value #MAX_DRAWS} draws, which the tests never reach.
 *
 * <p>Ids are drawn from the <em>usable</em> vocabulary: every id that is not an added token,
 * decodes on its own to complete characters (no U+FFFD), and contains no control character other
 * than tab, line feed and carriage return. A text whose encoding contains an added token (random
 * pieces can spell {@code <|im_end|>}) is rejected.
 *
 * <p>Thread-safe once built: {@link #generate} may run for several prompts at once, each with
 * its own random source.
 */
final class ExactLengthText {
    static final int ATTEMPTS_PER_DRAW = 16;
    static final int MAX_DRAWS = 64;

    private final Tokenizer tokenizer;
    private final int[] usableIds;

    ExactLengthText(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.usableIds = usableIds(tokenizer);
        if (usableIds.length == 0) {
            throw new IllegalArgumentException("tokenizer " + tokenizer.name()
                    + " has no token that decodes to plain text: use another tokenizer");
        }
    }

    private static int[] usableIds(Tokenizer tokenizer) {
        int[] usable = new int[tokenizer.vocabularySize()];
        int count = 0;
        int[] single = new int[1];
        for (int id = 0; id < usable.length; id++) {
            if (tokenizer.isAddedToken(id)) {
                continue;
            }
            single[0] = id;
            if (isPlainText(tokenizer.decode(single))) {
                usable[count++] = id;
            }
        }
        return Arrays.copyOf(usable, count);
    }

    private static boolean isPlainText(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\uFFFD' || (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r')) {
                return false;
            }
        }
        return true;
    }

    /** Returns the number of ids random text is drawn from. */
    int usableVocabularySize() {
        return usableIds.length;
    }

    /**
     * Returns {@code prefix} followed by random text, such that the whole encodes to
     * {@code prefixIds} followed by exactly {@code tokens} more ids, none of them added tokens.
     *
     * @param prefix text every prompt starts with, or empty for none
     * @param prefixIds {@code tokenizer.encode(prefix)}
     * @param tokens tokens to add after the prefix, at least 0
     * @param random the source of this text's ids
     * @throws IllegalStateException if no exact text was found, which would mean the tokenizer
     *     cannot express this length after this prefix
     */
    String generate(String prefix, int[] prefixIds, int tokens, SplittableRandom random) {
        if (tokens == 0) {
            return prefix;
        }
        for (int draw = 0; draw < MAX_DRAWS; draw++) {
            int[] body = randomIds(tokens, random);
            for (int attempt = 0; attempt < ATTEMPTS_PER_DRAW; attempt++) {
                String text = prefix + tokenizer.decode(body);
                int[] ids = tokenizer.encode(text);
                if (!startsWith(ids, prefixIds) || containsAddedToken(ids, prefixIds.length)) {
                    break;
                }
                int produced = ids.length - prefixIds.length;
                if (produced == tokens) {
                    return text;
                }
                body = adjust(Arrays.copyOfRange(ids, prefixIds.length, ids.length), tokens, random);
            }
        }
        throw new IllegalStateException("could not build text of exactly " + tokens
                + " tokens after a prefix of " + prefixIds.length + " tokens with tokenizer "
                + tokenizer.name() + " in " + MAX_DRAWS + " draws");
    }

    private int[] adjust(int[] canonical, int tokens, SplittableRandom random) {
        if (canonical.length >= tokens) {
            return Arrays.copyOf(canonical, tokens);
        }
        int[] longer = Arrays.copyOf(canonical, tokens);
        for (int i = canonical.length; i < tokens; i++) {
            longer[i] = usableIds[random.nextInt(usableIds.length)];
        }
        return longer;
    }

    private int[] randomIds(int count, SplittableRandom random) {
        int[] ids = new int[count];
        for (int i = 0; i < count; i++) {
            ids[i] = usableIds[random.nextInt(usableIds.length)];
        }
        return ids;
    }

    private boolean containsAddedToken(int[] ids, int from) {
        for (int i = from; i < ids.length; i++) {
            if (tokenizer.isAddedToken(ids[i])) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(int[] ids, int[] prefix) {
        if (ids.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (ids[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
