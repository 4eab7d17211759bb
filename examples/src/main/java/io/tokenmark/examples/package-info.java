/**
 * Benchmark classes written the way a TokenMark user writes them: a deployment comparison over
 * concurrency ({@link io.tokenmark.examples.DeploymentComparison}), a custom JSONL dataset
 * ({@link io.tokenmark.examples.CustomDatasetBenchmark}), and a search for the highest
 * concurrency that keeps latency objectives ({@link io.tokenmark.examples.SloSearch}). Each runs
 * against the embedded simulator unless given a server URL.
 */
package io.tokenmark.examples;
