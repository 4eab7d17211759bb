package io.tokenmark.core.workload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JSON Lines dataset: one JSON object per line, with either a {@code prompt} string or a
 * {@code messages} array of {@code {"role": ..., "content": ...}} objects, and optionally a
 * positive integer {@code max_tokens}. Other fields are ignored, and blank lines are skipped.
 *
 * <pre>
 * {"prompt": "Summarise the plot of Hamlet.", "max_tokens": 256}
 * {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]}
 * </pre>
 */
final class JsonlDataset {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXAMPLE = "{\"prompt\": \"...\"} or {\"messages\": [{\"role\": \"user\", \"content\": \"...\"}]}";

    private JsonlDataset() {
    }

    /**
     * Reads every record.
     *
     * @throws DatasetException naming the file and line of the first invalid record, or the file
     *     when it is missing, unreadable, not UTF-8 or has no record
     */
    static List<DatasetRecord> read(Path file) {
        List<DatasetRecord> records = new ArrayList<>();
        DatasetLines.forEachLine(file, (lineNumber, line) -> {
            if (!line.isBlank()) {
                records.add(parse(file, lineNumber, line, records.size()));
            }
        });
        if (records.isEmpty()) {
            throw new DatasetException(file, 0, "no records: a JSONL dataset needs one JSON object "
                    + "per line, such as " + EXAMPLE);
        }
        return records;
    }

    private static DatasetRecord parse(Path file, int lineNumber, String line, int index) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new DatasetException(file, lineNumber, "invalid JSON (" + e.getOriginalMessage()
                    + "): each line must be one JSON object such as " + EXAMPLE, e);
        }
        if (node == null || !node.isObject()) {
            throw new DatasetException(file, lineNumber,
                    "not a JSON object: each line must be one JSON object such as " + EXAMPLE);
        }

        JsonNode prompt = node.get("prompt");
        JsonNode messages = node.get("messages");
        if (prompt != null && messages != null) {
            throw new DatasetException(file, lineNumber,
                    "record has both \"prompt\" and \"messages\": keep one of them");
        }
        if (prompt == null && messages == null) {
            throw new DatasetException(file, lineNumber,
                    "record has neither \"prompt\" nor \"messages\": give one, such as " + EXAMPLE);
        }
        int maxTokens = DatasetFields.maxTokens(file, lineNumber, node.get("max_tokens"));
        if (prompt != null) {
            return new DatasetRecord(index, lineNumber, null,
                    DatasetFields.text(file, lineNumber, "prompt", prompt), maxTokens, null);
        }
        return new DatasetRecord(index, lineNumber, DatasetFields.messages(file, lineNumber, messages),
                null, maxTokens, null);
    }
}
