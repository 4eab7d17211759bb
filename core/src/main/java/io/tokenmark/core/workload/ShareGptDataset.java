package io.tokenmark.core.workload;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a ShareGPT dataset: one JSON array of entries such as
 * {@code {"conversations": [{"from": "human", "value": "..."}, {"from": "gpt", "value": "..."}]}}.
 * The prompt is the first turn whose {@code from} is {@code human} or {@code user}, and the turn
 * after it is the reply whose token count sets the output length.
 *
 * <p>As in vLLM's ShareGPT sampling, entries without {@code conversations}, or without a human
 * turn followed by a reply, are skipped, and so are entries whose prompt is empty. An entry of the
 * wrong shape (a non-object entry, {@code conversations} that is not an array, a turn without
 * string {@code from} and {@code value}) fails with the line where the entry starts.
 *
 * <p>The file is read with a streaming parser, so the whole file is never held as one tree.
 */
final class ShareGptDataset {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SHAPE = "a ShareGPT file is one JSON array of "
            + "{\"conversations\": [{\"from\": \"human\", \"value\": \"...\"}, {\"from\": \"gpt\", \"value\": \"...\"}]} objects";

    private ShareGptDataset() {
    }

    /**
     * Reads every usable conversation.
     *
     * @throws DatasetException naming the file and line of the first malformed entry or of invalid
     *     JSON or UTF-8, or the file when it is missing, unreadable, empty or has no usable entry
     */
    static List<DatasetRecord> read(Path file) {
        List<DatasetRecord> records = new ArrayList<>();
        int entries = 0;
        try (InputStream in = DatasetLines.open(file); JsonParser parser = JSON.createParser(in)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new DatasetException(file, 0, "the file is empty: " + SHAPE);
            }
            if (first != JsonToken.START_ARRAY) {
                throw new DatasetException(file, line(parser), "expected a JSON array: " + SHAPE);
            }
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                int lineNumber = line(parser);
                if (token != JsonToken.START_OBJECT) {
                    throw new DatasetException(file, lineNumber, "entry " + (entries + 1)
                            + " is not a JSON object: " + SHAPE);
                }
                JsonNode entry = JSON.readTree(parser);
                DatasetRecord record = toRecord(file, lineNumber, entries, entry);
                if (record != null) {
                    records.add(record);
                }
                entries++;
            }
            if (parser.nextToken() != null) {
                throw new DatasetException(file, line(parser),
                        "unexpected content after the array: " + SHAPE);
            }
        } catch (JsonProcessingException e) {
            int lineNumber = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new DatasetException(file, lineNumber, "invalid JSON or UTF-8 ("
                    + e.getOriginalMessage() + "): " + SHAPE + ", encoded as UTF-8", e);
        } catch (IOException e) {
            throw new DatasetException(file, 0, "read failed (" + e + "): check the file", e);
        }

        if (records.isEmpty()) {
            throw new DatasetException(file, 0, "no usable conversation among " + entries
                    + " entries: each needs a human turn followed by a reply; " + SHAPE);
        }
        return records;
    }

    private static DatasetRecord toRecord(Path file, int lineNumber, int index, JsonNode entry) {
        JsonNode conversations = entry.get("conversations");
        if (conversations == null || conversations.isNull()) {
            return null;
        }
        if (!conversations.isArray()) {
            throw new DatasetException(file, lineNumber, "\"conversations\" is "
                    + DatasetFields.typeOf(conversations) + ", not an array: " + SHAPE);
        }

        List<String> speakers = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < conversations.size(); i++) {
            JsonNode turn = conversations.get(i);
            JsonNode from = turn.get("from");
            JsonNode value = turn.get("value");
            if (!turn.isObject() || from == null || !from.isTextual() || value == null || !value.isTextual()) {
                throw new DatasetException(file, lineNumber, "turn " + (i + 1)
                        + " of the conversation lacks a \"from\" or \"value\" string: " + SHAPE);
            }
            speakers.add(from.asText());
            texts.add(value.asText());
        }

        for (int i = 0; i + 1 < speakers.size(); i++) {
            boolean human = speakers.get(i).equals("human") || speakers.get(i).equals("user");
            if (human) {
                String prompt = texts.get(i);
                return prompt.isEmpty() ? null
                        : new DatasetRecord(index, lineNumber, null, prompt, -1, texts.get(i + 1));
            }
        }
        return null;
    }

    private static int line(JsonParser parser) {
        return parser.currentTokenLocation().getLineNr();
    }
}
