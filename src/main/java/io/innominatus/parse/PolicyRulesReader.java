package io.innominatus.parse;

import io.innominatus.model.EffectivePolicies;
import io.innominatus.model.PolicyRules;
import io.innominatus.support.YamlNode.Mapping;
import io.innominatus.support.YamlNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Reads a block of workflow policy rules: admin-config's {@code workflowPolicies} or the {@code spec}
 * of a {@code WorkflowPolicies} document (which may also nest limits under {@code resources}).
 */
final class PolicyRulesReader {

    static final List<String> RULE_KEYS = List.of("requiredPlatformWorkflows", "allowedProductWorkflows",
            "workflowOverrides", "maxWorkflowDuration", "maxConcurrentWorkflows", "maxStepsPerWorkflow",
            "allowedStepTypes", "allowedEnvironments", "security");
    private static final List<String> RESOURCE_KEYS = List.of("maxConcurrentWorkflows", "maxStepsPerWorkflow", "allowedStepTypes");
    private static final List<String> TIER_KEYS = List.of("platform", "product", "application");
    private static final List<String> OVERRIDE_KEYS = List.of("platform", "product");
    private static final List<String> SECURITY_KEYS = List.of("requireApproval", "allowedExecutors", "secretsAccess");
    private static final List<String> SECRETS_KEYS = List.of("vault", "kubernetes");
    private static final List<String> VAULT_ACCESS = List.of(EffectivePolicies.VAULT_READ_ONLY, EffectivePolicies.VAULT_READ_WRITE);
    private static final List<String> KUBERNETES_ACCESS =
            List.of(EffectivePolicies.KUBERNETES_NAMESPACE_SCOPED, EffectivePolicies.KUBERNETES_CLUSTER);

    private PolicyRulesReader() {}

    /**
     * @param extraKeys further keys allowed in the block (for example {@code workflowsRoot})
     * @param allowedEnvironments environments set elsewhere (admin-config {@code policies}), or null
     */
    static PolicyRules read(DocumentReader r, Mapping block, String path, String source, List<String> extraKeys,
            List<String> allowedEnvironments) {
        List<String> allowed = new java.util.ArrayList<>(RULE_KEYS);
        allowed.addAll(extraKeys);
        r.checkKeys(block, path, allowed);

        List<String> required = r.stringList(block, "requiredPlatformWorkflows", path, false).orElse(null);
        List<String> allowedProduct = r.stringList(block, "allowedProductWorkflows", path, false).orElse(null);
        if (allowedProduct != null) {
            checkProductEntries(r, block, path, allowedProduct);
        }
        Boolean platformOverrides = null;
        Boolean productOverrides = null;
        Optional<YamlNode> overridesNode = r.field(block, "workflowOverrides", path, false);
        if (overridesNode.isPresent()) {
            String overridesPath = DocumentReader.child(path, "workflowOverrides");
            Optional<Mapping> overrides = r.mapping(overridesNode.get(), overridesPath);
            if (overrides.isPresent()) {
                r.checkKeys(overrides.get(), overridesPath, OVERRIDE_KEYS);
                platformOverrides = r.bool(overrides.get(), "platform", overridesPath, false).orElse(null);
                productOverrides = r.bool(overrides.get(), "product", overridesPath, false).orElse(null);
            }
        }
        Duration maxDuration = r.duration(block, "maxWorkflowDuration", path, false).orElse(null);
        Integer maxConcurrent = positive(r, block, "maxConcurrentWorkflows", path);
        Integer maxSteps = positive(r, block, "maxStepsPerWorkflow", path);
        List<String> stepTypes = null;
        java.util.Map<io.innominatus.model.Tier, List<String>> stepTypesByTier = new java.util.EnumMap<>(
                io.innominatus.model.Tier.class);
        if (block.get("allowedStepTypes").orElse(null) instanceof Mapping perTier) {
            // The per-tier form: {platform: [...], product: [...], application: [...]}.
            String tiersPath = DocumentReader.child(path, "allowedStepTypes");
            r.checkKeys(perTier, tiersPath, TIER_KEYS);
            for (io.innominatus.model.Tier tier : io.innominatus.model.Tier.values()) {
                r.stringList(perTier, tier.label(), tiersPath, false).ifPresent(list -> stepTypesByTier.put(tier, list));
            }
        } else {
            stepTypes = r.stringList(block, "allowedStepTypes", path, false).orElse(null);
        }
        List<String> environments = r.stringList(block, "allowedEnvironments", path, false).orElse(allowedEnvironments);

        Optional<YamlNode> resourcesNode = block.get("resources");
        if (resourcesNode.isPresent() && extraKeys.contains("resources")) {
            String resourcesPath = DocumentReader.child(path, "resources");
            Optional<Mapping> resources = r.mapping(resourcesNode.get(), resourcesPath);
            if (resources.isPresent()) {
                r.checkKeys(resources.get(), resourcesPath, RESOURCE_KEYS);
                maxConcurrent = firstNonNull(maxConcurrent, positive(r, resources.get(), "maxConcurrentWorkflows", resourcesPath));
                maxSteps = firstNonNull(maxSteps, positive(r, resources.get(), "maxStepsPerWorkflow", resourcesPath));
                stepTypes = firstNonNull(stepTypes,
                        r.stringList(resources.get(), "allowedStepTypes", resourcesPath, false).orElse(null));
            }
        }

        List<String> requireApproval = null;
        List<String> executors = null;
        String vault = null;
        String kubernetes = null;
        Optional<YamlNode> securityNode = r.field(block, "security", path, false);
        if (securityNode.isPresent()) {
            String securityPath = DocumentReader.child(path, "security");
            Optional<Mapping> security = r.mapping(securityNode.get(), securityPath);
            if (security.isPresent()) {
                r.checkKeys(security.get(), securityPath, SECURITY_KEYS);
                requireApproval = r.stringList(security.get(), "requireApproval", securityPath, false).orElse(null);
                executors = r.stringList(security.get(), "allowedExecutors", securityPath, false).orElse(null);
                Optional<YamlNode> secretsNode = r.field(security.get(), "secretsAccess", securityPath, false);
                if (secretsNode.isPresent()) {
                    String secretsPath = DocumentReader.child(securityPath, "secretsAccess");
                    Optional<Mapping> secrets = r.mapping(secretsNode.get(), secretsPath);
                    if (secrets.isPresent()) {
                        r.checkKeys(secrets.get(), secretsPath, SECRETS_KEYS);
                        vault = secrets.get().get("vault").flatMap(n -> r.enumValue(n,
                                DocumentReader.child(secretsPath, "vault"), v -> Optional.of(v).filter(VAULT_ACCESS::contains),
                                VAULT_ACCESS)).orElse(null);
                        kubernetes = secrets.get().get("kubernetes").flatMap(n -> r.enumValue(n,
                                DocumentReader.child(secretsPath, "kubernetes"),
                                v -> Optional.of(v).filter(KUBERNETES_ACCESS::contains), KUBERNETES_ACCESS)).orElse(null);
                    }
                }
            }
        }
        return new PolicyRules(source, required, allowedProduct, platformOverrides, productOverrides, maxDuration,
                maxConcurrent, maxSteps, stepTypes, environments, requireApproval, executors, vault, kubernetes,
                stepTypesByTier);
    }

    private static void checkProductEntries(DocumentReader r, Mapping block, String path, List<String> entries) {
        YamlNode node = block.get("allowedProductWorkflows").orElseThrow();
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i);
            if (!entry.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?/([a-z0-9]([-a-z0-9]*[a-z0-9])?|\\*)")) {
                YamlNode item = node instanceof YamlNode.Sequence s && i < s.items().size() ? s.items().get(i) : node;
                r.error("INVALID_VALUE", "'" + entry + "' is not of the form <product>/<workflow> or <product>/*",
                        item.location(), DocumentReader.index(DocumentReader.child(path, "allowedProductWorkflows"), i));
            }
        }
    }

    private static Integer positive(DocumentReader r, Mapping block, String key, String path) {
        Optional<Long> value = r.integer(block, key, path, false);
        if (value.isPresent() && (value.get() < 1 || value.get() > Integer.MAX_VALUE)) {
            r.error("INVALID_VALUE", key + " must be a positive integer", block.get(key).orElseThrow().location(),
                    DocumentReader.child(path, key));
            return null;
        }
        return value.map(Long::intValue).orElse(null);
    }

    private static <T> T firstNonNull(T first, T second) {
        return first != null ? first : second;
    }
}
