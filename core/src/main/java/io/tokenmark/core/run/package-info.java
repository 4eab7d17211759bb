/**
 * Running a benchmark end to end: a {@link io.tokenmark.core.run.BenchmarkRun} drives a sweep of
 * load points through the samplers, moves each finished request record off the client's I/O
 * threads through a {@link io.tokenmark.core.run.RecordPipeline} (tokenizer counts, metrics,
 * {@code requests.jsonl}), and writes each point's summary as the point ends, so an interrupted
 * run keeps everything that finished and can be resumed.
 *
 * <p>The command line and the JMH harness both build on this package; library users who want a
 * sweep without JMH can use it directly with any {@link io.tokenmark.core.client.InferenceClient}.
 */
package io.tokenmark.core.run;
