package io.innominatus.steps;

import io.smallrye.mutiny.Uni;

/**
 * A step executor whose work is one blocking call, shared by the real run and the dry run: the engine
 * subscribes on a thread meant for blocking work, so the call simply runs there.
 */
public interface BlockingStepExecutor extends StepExecutor {

    /** Does the step's work, or with {@code dryRun} describes it without changing anything. */
    StepResult run(StepContext context, boolean dryRun);

    @Override
    default Uni<StepResult> execute(StepContext context) {
        return Uni.createFrom().item(() -> run(context, false));
    }

    @Override
    default Uni<StepResult> dryRun(StepContext context) {
        return Uni.createFrom().item(() -> run(context, true));
    }
}
