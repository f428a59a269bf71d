package io.innominatus.steps;

import java.util.Optional;

/** The policy rules the platform team named centrally, which {@code policy} steps list by name. */
public interface NamedPolicyRules {

    Optional<PolicyRule> find(String name);
}
