package io.innominatus.model;

import java.util.List;
import java.util.Set;

/**
 * What policy decided about a resolved deployment.
 *
 * @param excludedIds workflows to leave out of the plan (the ids in {@code excluded})
 */
public record PolicyDecision(List<Violation> violations, List<Exclusion> excluded, boolean requiresApproval) {

    public PolicyDecision {
        violations = List.copyOf(violations);
        excluded = List.copyOf(excluded);
    }

    public boolean allowed() {
        return violations.stream().noneMatch(Violation::blocking);
    }

    public Set<String> excludedIds() {
        return excluded.stream().map(Exclusion::workflowId).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }
}
