package io.innominatus.execute;

/** A step of one workflow of an execution: the key of its row and of its running attempt. */
record StepKey(String workflowId, String step) {}
