package io.innominatus.model;

/** The state of one planned workflow within an execution. */
public record WorkflowRun(String workflowId, Phase phase, StepState state) {}
