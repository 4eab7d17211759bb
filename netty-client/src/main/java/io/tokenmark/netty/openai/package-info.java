/**
 * OpenAI streaming semantics: request bodies for {@code /v1/chat/completions} and
 * {@code /v1/completions}, and the reading of their SSE chunks into token events, usage,
 * finish reasons and errors, with Jackson's streaming parser and generator.
 */
package io.tokenmark.netty.openai;
