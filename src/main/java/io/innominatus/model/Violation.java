package io.innominatus.model;

/**
 * A policy violation.
 *
 * @param ruleId stable rule id, see {@link RuleIds}
 * @param workflowId workflow concerned, or empty
 * @param step step concerned, or empty
 * @param blocking true when it blocks the deployment
 * @param location {@code file:line:column} of the offending definition, or empty
 */
public record Violation(String ruleId, String message, String workflowId, String step, boolean blocking, String location) {

    public Violation {
        workflowId = workflowId == null ? "" : workflowId;
        step = step == null ? "" : step;
        location = location == null ? "" : location;
    }
}
