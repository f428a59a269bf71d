package io.innominatus.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.innominatus.model.Diagnostic;
import io.innominatus.support.EnvironmentReferences;
import io.innominatus.support.YamlLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnvironmentReferencesTest {

    private static final Map<String, String> ENV = Map.of("VAULT_TOKEN", "hvs.abc", "USER_NAME", "deploy");

    @Test
    void resolvesWholeAndEmbeddedReferencesAndReportsTheValuesAsSecrets() {
        List<String> secrets = new ArrayList<>();
        assertEquals("hvs.abc", EnvironmentReferences.resolve("${env:VAULT_TOKEN}", ENV::get, secrets::add));
        assertEquals("deploy:hvs.abc@db", EnvironmentReferences.resolve("${env:USER_NAME}:${env:VAULT_TOKEN}@db", ENV::get,
                secrets::add));
        assertEquals(List.of("hvs.abc", "deploy", "hvs.abc"), secrets);
        assertEquals("plain $ and ${x}", EnvironmentReferences.resolve("plain $ and ${x}", ENV::get, secrets::add));
    }

    @Test
    void anUnsetVariableIsNamed() {
        EnvironmentReferences.UnsetException e = assertThrows(EnvironmentReferences.UnsetException.class,
                () -> EnvironmentReferences.resolve("${env:NOT_THERE}", ENV::get, s -> { }));
        assertEquals("NOT_THERE", e.variable());
        assertEquals(List.of("NOT_THERE"), EnvironmentReferences.unset("${env:VAULT_TOKEN}/${env:NOT_THERE}", ENV::get));
    }

    @Test
    void malformedReferencesAreProblems() {
        assertTrue(EnvironmentReferences.problem("${env:1ABC}").isPresent());
        assertTrue(EnvironmentReferences.problem("${env:A-B}").isPresent());
        assertTrue(EnvironmentReferences.problem("${env:}").isPresent());
        assertTrue(EnvironmentReferences.problem("${env:OPEN").isPresent());
        assertEquals(Optional.empty(), EnvironmentReferences.problem("${env:GOOD_NAME_2}"));
    }

    @Test
    void adminConfigReportsMalformedReferencesWithTheirPositionAndWarnsAboutUnsetOnes() {
        AdminConfigParser.Result result = AdminConfigParser.parse("""
                admin:
                  vaultToken: ${env:INNOMINATUS_SURELY_UNSET_4711}
                  nested:
                    - ${env:9BAD}
                """, "admin-config.yaml", Path.of("."), YamlLoader.Limits.DEFAULT);
        List<String> found = result.diagnostics().stream().map(d -> d.severity() + " " + d.code() + "@" + d.location()
                + " " + d.fieldPath()).toList();
        assertTrue(found.contains("WARNING ENVIRONMENT_VARIABLE_UNSET@admin-config.yaml:2:15 admin.vaultToken"),
                found::toString);
        assertTrue(found.contains("ERROR INVALID_ENV_REFERENCE@admin-config.yaml:4:7 admin.nested[0]"), found::toString);
        assertTrue(result.diagnostics().stream().filter(d -> d.code().equals("ENVIRONMENT_VARIABLE_UNSET"))
                .map(Diagnostic::message).findFirst().orElseThrow().contains("INNOMINATUS_SURELY_UNSET_4711"));
        // The reference itself is kept, not its value: plans and their digests never hold the secret.
        AdminConfigParser.Result good = AdminConfigParser.parse("admin:\n  home: ${env:HOME}\n", "admin-config.yaml",
                Path.of("."), YamlLoader.Limits.DEFAULT);
        assertEquals("${env:HOME}", good.config().orElseThrow().admin().get("home"));
    }
}
