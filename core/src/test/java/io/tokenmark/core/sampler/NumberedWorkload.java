package io.tokenmark.core.sampler;

import io.tokenmark.core.workload.RequestSpec;
import io.tokenmark.core.workload.Workload;

/** A workload of {@code size} distinct prompts whose dataset index is their position. */
public final class NumberedWorkload implements Workload {
    private final RequestSpec[] specs;

    public NumberedWorkload(int size) {
        specs = new RequestSpec[size];
        for (int i = 0; i < size; i++) {
            specs[i] = RequestSpec.builder().datasetIndex(i).prompt("prompt " + i).maxTokens(4)
                    .build();
        }
    }

    @Override
    public String description() {
        return "numbered prompts (" + specs.length + ")";
    }

    @Override
    public int size() {
        return specs.length;
    }

    @Override
    public RequestSpec get(long sequence) {
        return specs[(int) (sequence % specs.length)];
    }
}
