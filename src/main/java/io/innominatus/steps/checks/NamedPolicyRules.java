package io.innominatus.steps.checks;

import io.innominatus.model.PolicyRule;
import java.util.Optional;

/** The policy rules the platform team named centrally, which {@code policy} steps list by name. */
public interface NamedPolicyRules {

    Optional<PolicyRule> find(String name);
}
