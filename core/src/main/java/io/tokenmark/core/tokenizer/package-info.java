/**
 * Tokenizers: the target model's own token counts, for prompts of an exact length and for the
 * counts a server does not report.
 *
 * <h2>Why a real tokenizer</h2>
 * Throughput and TPOT divide by token counts, and a workload of "1,024 input tokens" is only
 * that with the model's tokenizer. {@link io.tokenmark.core.tokenizer.HuggingFaceTokenizer} runs
 * the same Rust {@code tokenizers} library and {@code tokenizer.json} that vLLM and SGLang use,
 * so counts agree with theirs. The Qwen3 tokenizer is bundled for use without a path.
 *
 * <h2>Counting as servers count</h2>
 * A chat request's {@code usage.prompt_tokens} includes the chat template, so chat prompts are
 * rendered with the model's template ({@link io.tokenmark.core.tokenizer.ChatTemplate}) before
 * counting. A completions prompt gets the special tokens the tokenizer adds to one sequence.
 * Generated text is re-encoded without special tokens.
 *
 * <h2>Where counts are used</h2>
 * Workloads count every prompt while they are built, before a run starts.
 * {@link io.tokenmark.core.tokenizer.TokenCountResolver} refines finished request records when
 * the server sent no usage. Neither runs on an I/O thread: encoding costs microseconds to
 * milliseconds per call.
 */
package io.tokenmark.core.tokenizer;
