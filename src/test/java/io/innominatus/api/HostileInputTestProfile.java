package io.innominatus.api;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A small catalog for hostile requests: a symbolic link in the platform directory that points out of the
 * catalog, a manual workflow that hands a Score value to a program as an argument, and one whose
 * condition would iterate far too long.
 */
public class HostileInputTestProfile implements QuarkusTestProfile {

    private static final Path CATALOG = create();

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("innominatus.admin-config", CATALOG.resolve("admin-config.yaml").toString());
    }

    private static Path create() {
        try {
            Path root = Files.createTempDirectory("innominatus-hostile-");
            Path platform = Files.createDirectories(root.resolve("workflows/platform"));
            Files.createDirectories(root.resolve("workflows/products"));
            Files.createSymbolicLink(platform.resolve("escape"), Path.of("/etc"));
            Files.createSymbolicLink(platform.resolve("dangling"), root.getParent().resolve("innominatus-nowhere-"
                    + System.nanoTime()));
            Files.writeString(root.resolve("admin-config.yaml"), """
                    admin:
                      dnsDomain: apps.test
                    policies:
                      allowedEnvironments: [development]
                    workflowPolicies:
                      workflowsRoot: workflows
                    """);
            Files.writeString(platform.resolve("echo-note.yaml"), """
                    apiVersion: workflow.dev/v1
                    kind: PlatformWorkflow
                    metadata:
                      name: echo-note
                      phase: deployment
                      owner: platform-team
                    spec:
                      triggers: [manual]
                      steps:
                        - name: echo
                          type: exec
                          config:
                            command: ["echo", "note:", "${metadata.note}"]
                    """);
            Files.writeString(platform.resolve("chatty.yaml"), """
                    apiVersion: workflow.dev/v1
                    kind: PlatformWorkflow
                    metadata:
                      name: chatty
                      phase: deployment
                      owner: platform-team
                    spec:
                      triggers: [manual]
                      steps:
                        - name: talk
                          type: exec
                          config:
                            command: ["sh", "-c", "i=0; while [ $i -lt 400 ]; do head -c 20000 /dev/zero | tr '\\\\0' x; echo; i=$((i+1)); done"]
                    """);
            Files.writeString(platform.resolve("many-lines.yaml"), """
                    apiVersion: workflow.dev/v1
                    kind: PlatformWorkflow
                    metadata:
                      name: many-lines
                      phase: deployment
                      owner: platform-team
                    spec:
                      triggers: [manual]
                      steps:
                        - name: talk
                          type: exec
                          config:
                            command: ["seq", "-f", "line %g of a long history, padded to make each event about a hundred bytes", "1", "9000"]
                    """);
            String hundred = "[" + "1,".repeat(99) + "1]";
            Files.writeString(platform.resolve("endless-condition.yaml"), """
                    apiVersion: workflow.dev/v1
                    kind: PlatformWorkflow
                    metadata:
                      name: endless-condition
                      phase: deployment
                      owner: platform-team
                    spec:
                      triggers: [manual]
                      steps:
                        - name: guarded
                          type: exec
                          if: "%s"
                          config:
                            command: ["echo", "never"]
                    """.formatted(hundred + ".all(a, " + hundred + ".all(b, " + hundred + ".all(c, " + hundred
                    + ".all(d, true))))"));
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
