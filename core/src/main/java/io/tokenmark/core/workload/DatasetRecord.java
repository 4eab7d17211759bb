package io.tokenmark.core.workload;

import java.util.List;

/**
 * One usable record of a dataset file, before it becomes a {@link RequestSpec}.
 *
 * @param index position among the file's records, from 0, before any shuffle
 * @param lineNumber where the record starts in the file, from 1
 * @param messages the chat messages, or {@code null} when the record has a prompt
 * @param prompt the prompt text, or {@code null} when the record has messages
 * @param maxTokens the record's own {@code max_tokens}, or -1
 * @param reply the reference reply whose token count sets the output length (ShareGPT), or
 *     {@code null}
 */
record DatasetRecord(int index, int lineNumber, List<ChatMessage> messages, String prompt,
        int maxTokens, String reply) {
}
