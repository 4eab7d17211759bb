/**
 * Workloads: what each request asks for, prepared before a run so that sending never waits on
 * file reading or tokenizing.
 *
 * <p>A {@link io.tokenmark.core.workload.Workload} is an ordered, seeded list of
 * {@link io.tokenmark.core.workload.RequestSpec}s. The same workload built with the same seed
 * sends the same requests, so two deployments can be compared on identical input.
 *
 * <ul>
 *   <li>{@link io.tokenmark.core.workload.RandomPromptWorkload}: random prompts of an exact token
 *       length, optionally with a shared prefix.</li>
 *   <li>{@link io.tokenmark.core.workload.DatasetWorkload}: JSON Lines, ShareGPT or plain text
 *       files. A bad file fails with a {@link io.tokenmark.core.workload.DatasetException} that
 *       names the file and line.</li>
 *   <li>{@link io.tokenmark.core.workload.FixedPromptWorkload}: one prompt, for smoke tests.</li>
 *   <li>{@link io.tokenmark.core.workload.WorkloadFactory}: builds any of the first two from a
 *       name and string options, for command lines.</li>
 * </ul>
 */
package io.tokenmark.core.workload;
