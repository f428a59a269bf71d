package io.innominatus.model;

/** A workflow that matched a deployment but is kept out of the plan, and the rule that excluded it. */
public record Exclusion(String workflowId, String ruleId, String message) {}
