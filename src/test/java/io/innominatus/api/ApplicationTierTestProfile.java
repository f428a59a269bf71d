package io.innominatus.api;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A catalog with the bundled ecommerce provisioners and no platform workflows, so that a deployment runs
 * only the application tier: its provisioning steps and deploy-application.
 */
public class ApplicationTierTestProfile implements QuarkusTestProfile {

    private static final Path CATALOG = create();

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("innominatus.admin-config", CATALOG.resolve("admin-config.yaml").toString());
    }

    private static Path create() {
        try {
            Path root = Files.createTempDirectory("innominatus-app-tier-");
            Path ecommerce = Files.createDirectories(root.resolve("workflows/products/ecommerce"));
            Files.createDirectories(root.resolve("workflows/platform"));
            Files.createDirectories(root.resolve("workflows/products/analytics"));
            Path bundled = Path.of("workflows/products/ecommerce");
            Files.copy(bundled.resolve("provisioners.yaml"), ecommerce.resolve("provisioners.yaml"));
            copyTree(bundled.resolve("provisioners"), ecommerce.resolve("provisioners"));
            Files.writeString(root.resolve("admin-config.yaml"), """
                    admin:
                      dnsDomain: apps.test
                      environments:
                        development:
                          logLevel: debug
                    resourceDefinitions:
                      postgres: in-cluster PostgreSQL
                      # A product team's command provisioner, defined by the platform team for everyone.
                      queue:
                        command: ["./queue-provisioner.sh"]
                    policies:
                      allowedEnvironments: [development, production]
                    workflowPolicies:
                      workflowsRoot: workflows
                      security:
                        requireApproval: [production]
                    """);
            Path script = root.resolve("queue-provisioner.sh");
            Files.writeString(script, """
                    #!/bin/sh
                    # Answers with a queue URL and a secret token; records each call so the test can see it.
                    request=$(cat)
                    echo "$request" >> "$(dirname "$0")/queue-calls.log"
                    case "$request" in
                      *'"operation":"delete"'*) echo '{"outputs": {}}' ;;
                      *) echo '{"outputs": {"url": "amqp://queue.internal:5672/orders", "token": "tok-3f9a7c1e5b"}, "secretOutputs": ["token"]}' ;;
                    esac
                    """);
            script.toFile().setExecutable(true);
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path catalog() {
        return CATALOG;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
