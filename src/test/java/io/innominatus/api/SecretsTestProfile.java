package io.innominatus.api;

import io.innominatus.steps.secrets.FakeVault;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A catalog whose admin config takes the Vault token from an environment variable
 * ({@value #TOKEN_VARIABLE}, set by the build for the tests), a platform workflow that hands the token
 * to a vault-setup step (against {@link FakeVault}), to a program's environment, to a Kubernetes Secret and
 * into a failing step's error, and a command provisioner with a secret output.
 */
public class SecretsTestProfile implements QuarkusTestProfile {

    static final String TOKEN_VARIABLE = "INNOMINATUS_TEST_VAULT_TOKEN";
    static final String UNSET_VARIABLE = "INNOMINATUS_TEST_UNSET_VARIABLE_7F3A";
    static final String QUEUE_TOKEN = "tok-9c2e61d4a8f3";
    static final FakeVault VAULT = startVault();
    private static final Path CATALOG = create();

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("innominatus.admin-config", CATALOG.resolve("admin-config.yaml").toString());
    }

    private static FakeVault startVault() {
        try {
            // Only the token the build puts into the environment opens this Vault.
            return new FakeVault(String.valueOf(System.getenv(TOKEN_VARIABLE)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path create() {
        try {
            Path root = Files.createTempDirectory("innominatus-secrets-");
            Path platform = Files.createDirectories(root.resolve("workflows/platform"));
            Files.createDirectories(root.resolve("workflows/products"));
            Files.writeString(root.resolve("admin-config.yaml"), """
                    admin:
                      dnsDomain: apps.test
                      vaultAddress: %s
                      vaultToken: ${env:%s}
                      missingToken: ${env:%s}
                    resourceDefinitions:
                      postgres: in-cluster PostgreSQL
                      queue:
                        command: ["./queue-provisioner.sh"]
                    policies:
                      allowedEnvironments: [development]
                    workflowPolicies:
                      workflowsRoot: workflows
                      allowedStepTypes:
                        application: [exec, validation, kubernetes, resource-provisioning]
                      security:
                        secretsAccess:
                          vault: read-write
                    """.formatted(VAULT.address(), TOKEN_VARIABLE, UNSET_VARIABLE));
            Path script = root.resolve("queue-provisioner.sh");
            Files.writeString(script, """
                    #!/bin/sh
                    cat > /dev/null
                    echo '{"outputs": {"url": "amqp://queue.internal:5672/orders", "token": "%s"}, "secretOutputs": ["token"]}'
                    """.formatted(QUEUE_TOKEN));
            script.toFile().setExecutable(true);
            Files.writeString(platform.resolve("secret-handling.yaml"), """
                    apiVersion: workflow.dev/v1
                    kind: PlatformWorkflow
                    metadata:
                      name: secret-handling
                      phase: pre-deployment
                      owner: platform-team
                      description: Hands the Vault token to every kind of step
                    spec:
                      triggers: [all_deployments]
                      steps:
                        - name: vault
                          type: vault-setup
                          config:
                            address: ${admin.vaultAddress}
                            token: ${admin.vaultToken}
                            secrets: [db-password]
                            policies: [app-read]
                        - name: echo-token
                          type: exec
                          config:
                            command: ["sh", "-c", "echo \\"token is $VAULT_TOKEN\\"; echo \\"on stderr: $VAULT_TOKEN\\" >&2; printf 'seen=%s\\\\n' \\"$VAULT_TOKEN\\" > out.env"]
                            env:
                              VAULT_TOKEN: ${admin.vaultToken}
                            outputFile: out.env
                        - name: token-secret
                          type: kubernetes
                          namespace: secret-app
                          config:
                            manifests: ./k8s
                        - name: fails-with-token
                          type: exec
                          continueOnError: true
                          config:
                            command: ["sh", "-c", "echo \\"cannot log in with $T\\" >&2; exit 3"]
                            env:
                              T: ${admin.vaultToken}
                    """);
            Path k8s = Files.createDirectories(platform.resolve("k8s"));
            Files.writeString(k8s.resolve("secret.yaml"), """
                    apiVersion: v1
                    kind: Secret
                    metadata:
                      name: vault-token
                    stringData:
                      token: ${admin.vaultToken}
                    """);
            Files.writeString(platform.resolve("fails-at-once.yaml"), """
                    apiVersion: workflow.dev/v1
                    kind: PlatformWorkflow
                    metadata:
                      name: fails-at-once
                      phase: deployment
                      owner: platform-team
                    spec:
                      triggers: [manual]
                      steps:
                        - name: fail
                          type: exec
                          config:
                            command: ["false"]
                    """);
            Path manual = platform.resolve("needs-missing-variable.yaml");
            Files.writeString(manual, """
                    apiVersion: workflow.dev/v1
                    kind: PlatformWorkflow
                    metadata:
                      name: needs-missing-variable
                      phase: deployment
                      owner: platform-team
                    spec:
                      triggers: [manual]
                      steps:
                        - name: use-it
                          type: exec
                          config:
                            command: ["echo", "${admin.missingToken}"]
                    """);
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
