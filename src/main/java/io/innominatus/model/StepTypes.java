package io.innominatus.model;

import java.util.Map;
import java.util.TreeMap;

/** The step types built into innominatus and what they do. */
public final class StepTypes {

    private StepTypes() {}

    /** The type of the generated steps that provision a Score resource through its provisioner. */
    public static final String RESOURCE_PROVISIONING = "resource-provisioning";

    /** The type whose outputs later steps of the workflow read as {@code ${terraform.*}}. */
    public static final String TERRAFORM = "terraform";

    /**
     * Built-in types whose steps start a program on the orchestrator host (as the service's user, or in the
     * sandbox {@code innominatus.sandbox.*} configures). Registered command step types do as well.
     */
    public static final java.util.Set<String> HOST_PROGRAMS = java.util.Set.of("exec", "terraform", "ansible", "security");

    /** Built-in type names with their descriptions, ordered by name. */
    public static final Map<String, String> BUILT_IN = builtIn();

    public static boolean isBuiltIn(String type) {
        return BUILT_IN.containsKey(type);
    }

    private static Map<String, String> builtIn() {
        Map<String, String> types = new TreeMap<>();
        types.put("exec", "Runs a command with arguments (no shell unless asked); stdout/stderr lines become logs");
        types.put("validation", "HTTP, TCP and gRPC health checks, retried until the step's timeout");
        types.put("kubernetes", "Server-side applies Kubernetes manifests into a namespace");
        types.put("terraform", "Runs terraform or tofu init/plan/apply/destroy; outputs become step outputs");
        types.put("ansible", "Runs ansible-playbook with an inventory and extra vars");
        types.put("database-migration", "Applies versioned SQL migrations with Flyway");
        types.put("vault-setup", "Creates or verifies HashiCorp Vault KV v2 secrets and policies");
        types.put("monitoring", "Creates PrometheusRule alerts for the application");
        types.put("tagging", "Applies labels and annotations to the application's namespace and workloads");
        types.put("cost-analysis", "Prices the application's resource requests against a budget");
        types.put("security", "Runs a vulnerability scanner (trivy) with a severity threshold");
        types.put("policy", "Evaluates CEL rules over the Score spec and rendered manifests");
        types.put(RESOURCE_PROVISIONING, "Provisions a Score resource through its provisioner");
        return java.util.Collections.unmodifiableMap(types);
    }
}
