package io.innominatus.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.innominatus.model.AdminConfig;
import io.innominatus.model.DeliveryTarget;
import io.innominatus.model.Diagnostic;
import io.innominatus.model.EffectivePolicies;
import io.innominatus.model.EnvironmentDefinition;
import io.innominatus.model.TargetKind;
import io.innominatus.policy.PolicyMerger;
import io.innominatus.support.YamlLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** admin-config's {@code environments:} block: targets, namespace patterns, credentials and isolation. */
class EnvironmentsConfigTest {

    private static final Path DIRECTORY = Path.of("/etc/innominatus");

    private static AdminConfigParser.Result parse(String yaml) {
        return AdminConfigParser.parse(yaml, "admin-config.yaml", DIRECTORY, YamlLoader.Limits.DEFAULT);
    }

    private static Diagnostic only(AdminConfigParser.Result result, String code) {
        List<Diagnostic> matching = result.diagnostics().stream().filter(d -> d.code().equals(code)).toList();
        assertEquals(1, matching.size(), () -> code + " in " + result.diagnostics());
        return matching.get(0);
    }

    @Test
    void theThreeTargetKindsWithTheirDefaults() {
        AdminConfigParser.Result result = parse("""
                environments:
                  development:
                    target:
                      gitops: {repository: gitops}
                  staging:
                    namespace: "${application.product}-${application.name}-${environment.name}"
                    target:
                      kubernetes:
                        server: https://staging.k8s.example.com:6443
                        token: ${env:STAGING_K8S_TOKEN}
                        certificateAuthority: ca/staging.pem
                  production:
                    requireApproval: true
                    target:
                      kubernetes: {context: prod-eu}
                  sandbox:
                """);
        assertFalse(result.hasErrors(), () -> result.diagnostics().toString());
        AdminConfig config = result.config().orElseThrow();
        assertEquals(List.of("development", "staging", "production", "sandbox"), List.copyOf(config.environments().keySet()));

        EnvironmentDefinition development = config.environment("development");
        DeliveryTarget.GitOps gitops = assertInstanceOf(DeliveryTarget.GitOps.class, development.target());
        assertEquals("main", gitops.branch());
        assertEquals("${environment.name}/${application.name}", gitops.path());
        assertEquals("${application.name}-${environment.name}", development.namespacePattern());
        assertEquals(TargetKind.GITOPS, gitops.kind());

        DeliveryTarget.Cluster staging = assertInstanceOf(DeliveryTarget.Cluster.class, config.environment("staging").target());
        assertEquals("https://staging.k8s.example.com:6443", staging.server());
        assertEquals("${env:STAGING_K8S_TOKEN}", staging.token(), "the reference is kept; the value is read when a step connects");
        assertEquals(DIRECTORY.resolve("ca/staging.pem").toString(), staging.certificateAuthority());
        assertFalse(staging.description().contains("STAGING_K8S_TOKEN"));

        assertTrue(config.environment("production").requireApproval());
        assertEquals("prod-eu", ((DeliveryTarget.Cluster) config.environment("production").target()).context());
        assertInstanceOf(DeliveryTarget.ServiceCluster.class, config.environment("sandbox").target());
        assertInstanceOf(DeliveryTarget.ServiceCluster.class, config.environment("unlisted").target(),
                "an environment admin-config does not describe uses the service's client");
    }

    @Test
    void environmentsAreTheAllowListAndTheirApprovalJoinsRequireApproval() {
        AdminConfig config = parse("""
                environments:
                  development: {}
                  staging: {}
                  production: {requireApproval: true}
                policies:
                  allowedEnvironments: [development, production, qa]
                workflowPolicies:
                  security:
                    requireApproval: [staging]
                """).config().orElseThrow();
        EffectivePolicies policies = PolicyMerger.merge(config.file(), config.rules(), List.of(), config.environments());
        assertEquals(List.of("development", "production"), List.copyOf(policies.allowedEnvironments().entries()),
                "environments: and allowedEnvironments intersect");
        assertEquals(List.of("production", "staging"), List.copyOf(policies.requireApproval()));
    }

    @Test
    void aCredentialWrittenIntoTheFileIsAnErrorAtItsPosition() {
        AdminConfigParser.Result result = parse("""
                environments:
                  staging:
                    target:
                      kubernetes:
                        server: https://staging.example.com
                        token: eyJhbGciOiJSUzI1NiJ9.secret
                """);
        Diagnostic error = only(result, "CREDENTIAL_IN_FILE");
        assertEquals(6, error.location().line());
        assertEquals(16, error.location().column());
        assertEquals("environments.staging.target.kubernetes.token", error.fieldPath());
        assertFalse(error.message().contains("eyJhbGciOiJSUzI1NiJ9"), "the message never repeats the credential");
    }

    @Test
    void aRepositoryUrlWithAPasswordIsRefused() {
        Diagnostic error = only(parse("""
                environments:
                  development:
                    target:
                      gitops: {repository: "https://bot:hunter2@git.example.com/deploy.git"}
                """), "CREDENTIAL_IN_FILE");
        assertFalse(error.message().contains("hunter2"));
    }

    @Test
    void strictKeysAndExactlyOneWayToReachACluster() {
        AdminConfigParser.Result result = parse("""
                environments:
                  staging:
                    namspace: x
                    target:
                      kubernetes: {server: https://a.example.com, context: prod}
                  qa:
                    target:
                      kubernetes: {}
                      gitops: {repository: gitops}
                  Prod:
                    target: {}
                """);
        Diagnostic unknown = only(result, "UNKNOWN_KEY");
        assertTrue(unknown.message().contains("did you mean 'namespace'"), unknown.message());
        assertEquals(3, unknown.location().line());
        long invalid = result.diagnostics().stream().filter(d -> d.code().equals("INVALID_VALUE")).count();
        assertEquals(2, invalid, result.diagnostics().toString());
        assertEquals("environments.Prod", only(result, "INVALID_NAME").fieldPath());
    }

    @Test
    void patternsMayUseOnlyTheApplicationAndEnvironment() {
        Diagnostic error = only(parse("""
                environments:
                  staging:
                    namespace: "${metadata.team}-${environment.name}"
                """), "UNKNOWN_VARIABLE");
        assertEquals("environments.staging.namespace", error.fieldPath());
        Diagnostic escape = only(parse("""
                environments:
                  development:
                    target:
                      gitops: {repository: gitops, path: "../${application.name}"}
                """), "INVALID_PATH");
        assertEquals(4, escape.location().line());
    }

    @Test
    void twoEnvironmentsMayNotShareANamespaceOnOneCluster() {
        Diagnostic shared = only(parse("""
                environments:
                  qa:
                    namespace: "${application.name}"
                  staging:
                    namespace: "${application.name}"
                  production:
                    namespace: "${application.name}"
                    target:
                      kubernetes: {context: prod}
                """), "ENVIRONMENT_NAMESPACE_SHARED");
        assertTrue(shared.message().contains("qa and staging"), shared.message());
        assertEquals("environments.staging", shared.fieldPath());

        assertFalse(parse("""
                environments:
                  qa:
                    target:
                      gitops: {repository: gitops, path: "apps/${application.name}"}
                  staging:
                    target:
                      gitops: {repository: gitops, path: "apps/${application.name}"}
                """).diagnostics().stream().noneMatch(d -> d.code().equals("ENVIRONMENT_NAMESPACE_SHARED")),
                "one repository path for two environments is refused too");
    }
}
