package io.innominatus.steps.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.innominatus.steps.spi.StepContext;
import java.util.List;

/** Renders the application's Score workload into Kubernetes objects (for the generated deploy step). */
public interface WorkloadSource {

    List<HasMetadata> render(StepContext context, String namespace);
}
