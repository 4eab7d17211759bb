/**
 * OpenAI streaming semantics: request bodies for {@code /v1/chat/completions} and
 * {@code /v1/completions}, and the reading of their SSE chunks into token events, usage,
 * finish reasons and errors. Request bodies are written with Jackson's generator; chunks are
 * read with {@link io.tokenmark.netty.openai.JsonScanner}, a strict JSON scanner that reads
 * each event's bytes in one pass without allocating.
 */
package io.tokenmark.netty.openai;
