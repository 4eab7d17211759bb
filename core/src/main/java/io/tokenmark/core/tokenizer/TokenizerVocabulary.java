package io.tokenmark.core.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Arrays;

/**
 * The vocabulary size and added-token ids of a Hugging Face {@code tokenizer.json}, which the
 * native tokenizer does not expose.
 *
 * <p>Reads the file with a streaming parser, so the merges and vocabulary strings are skipped
 * rather than kept. {@code model.vocab} is an object mapping token to id (BPE, WordPiece,
 * WordLevel) or an array of {@code [piece, score]} pairs whose index is the id (Unigram).
 */
final class TokenizerVocabulary {
    private static final JsonFactory JSON = new JsonFactory();

    private final int size;
    private final int[] addedTokenIds;

    private TokenizerVocabulary(int size, int[] addedTokenIds) {
        this.size = size;
        this.addedTokenIds = addedTokenIds;
    }

    /** Returns one more than the largest id in the vocabulary or the added tokens. */
    int size() {
        return size;
    }

    /** Returns the ids of {@code added_tokens}, ascending, without duplicates. */
    int[] addedTokenIds() {
        return addedTokenIds;
    }

    /**
     * Parses the ids out of a {@code tokenizer.json}.
     *
     * @throws IOException if the bytes are not JSON or lack {@code model.vocab}
     */
    static TokenizerVocabulary parse(byte[] tokenizerJson) throws IOException {
        int maxVocabId = -1;
        int[] added = new int[0];
        try (JsonParser parser = JSON.createParser(tokenizerJson)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("the file is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                if (field.equals("added_tokens")) {
                    added = readAddedTokenIds(parser);
                } else if (field.equals("model")) {
                    maxVocabId = readMaxVocabId(parser);
                } else {
                    parser.skipChildren();
                }
            }
        }
        if (maxVocabId < 0) {
            throw new IOException("missing model.vocab, so this is no Hugging Face tokenizer.json");
        }

        int maxAddedId = added.length == 0 ? -1 : added[added.length - 1];
        return new TokenizerVocabulary(Math.max(maxVocabId, maxAddedId) + 1, added);
    }

    private static int[] readAddedTokenIds(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw new IOException("added_tokens is not an array");
        }
        int[] ids = new int[16];
        int count = 0;
        while (parser.nextToken() == JsonToken.START_OBJECT) {
            int id = -1;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                if (field.equals("id")) {
                    id = parser.getIntValue();
                } else {
                    parser.skipChildren();
                }
            }
            if (id < 0) {
                throw new IOException("an entry of added_tokens has no id");
            }
            if (count == ids.length) {
                ids = Arrays.copyOf(ids, count * 2);
            }
            ids[count++] = id;
        }
        return Arrays.stream(ids, 0, count).sorted().distinct().toArray();
    }

    private static int readMaxVocabId(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw new IOException("model is not an object");
        }
        int maxId = -1;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (!field.equals("vocab")) {
                parser.skipChildren();
            } else if (value == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    parser.nextToken();
                    maxId = Math.max(maxId, parser.getIntValue());
                }
            } else if (value == JsonToken.START_ARRAY) {
                int index = 0;
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    parser.skipChildren();
                    index++;
                }
                maxId = index - 1;
            } else {
                throw new IOException("model.vocab is neither an object nor an array");
            }
        }
        return maxId;
    }
}
