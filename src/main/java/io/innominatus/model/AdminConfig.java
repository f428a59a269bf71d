package io.innominatus.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The platform team's configuration ({@code admin-config.yaml}).
 *
 * @param file path of the admin config as configured
 * @param directory directory of the admin config; relative paths in it resolve against it
 * @param admin the {@code admin:} block, reachable in workflows as {@code ${admin.<key>}}
 * @param provisioners resource provisioners defined in {@code resourceDefinitions:}
 * @param publishedProvisioners product provisioners opened to every product, as {@code <product>/<type>}
 * @param rules the {@code workflowPolicies} and {@code policies} rules
 * @param healthChecks named checks that {@code validation} steps may list under {@code config.healthChecks}
 * @param stepTypes step types registered without code
 * @param policyRules policy rules {@code policy} steps may list by name
 * @param workflowsRoot the catalog directory ({@code workflowPolicies.workflowsRoot}, resolved)
 * @param integrations other top-level blocks (gitea, argocd, vault, …) kept as plain data
 * @param environments the {@code environments:} block, by name in file order; empty when the file has none
 *     (then every allowed environment uses the service-wide Kubernetes client and the default namespaces)
 */
public record AdminConfig(
        String file,
        Path directory,
        Map<String, Object> admin,
        List<Provisioner> provisioners,
        Set<String> publishedProvisioners,
        PolicyRules rules,
        Map<String, HealthCheck> healthChecks,
        Map<String, StepTypeRegistration> stepTypes,
        Map<String, PolicyRule> policyRules,
        Path workflowsRoot,
        Map<String, Object> integrations,
        Map<String, EnvironmentDefinition> environments) {

    public AdminConfig {
        admin = Immutables.deepCopy(admin);
        provisioners = provisioners == null ? List.of() : List.copyOf(provisioners);
        publishedProvisioners = publishedProvisioners == null ? Set.of() : Set.copyOf(publishedProvisioners);
        healthChecks = Immutables.orderedCopy(healthChecks);
        stepTypes = Immutables.orderedCopy(stepTypes);
        policyRules = Immutables.orderedCopy(policyRules);
        integrations = Immutables.deepCopy(integrations);
        environments = Immutables.orderedCopy(environments);
    }

    /** How {@code name} is delivered: its definition, or the implicit one when admin-config describes none. */
    public EnvironmentDefinition environment(String name) {
        EnvironmentDefinition defined = environments.get(name);
        return defined != null ? defined : EnvironmentDefinition.implicit(name);
    }
}
