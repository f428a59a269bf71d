package io.innominatus.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The CLI is a client of the public API only: it uses the generated classes and never the server's packages or
 * Quarkus (its jar does not contain them), and nothing in the server uses the CLI.
 */
class CliArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.innominatus");

    @Test
    void theCliUsesOnlyTheGeneratedApiOfTheService() {
        noClasses().that().resideInAPackage("io.innominatus.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("io.innominatus.model..", "io.innominatus.parse..",
                        "io.innominatus.score..", "io.innominatus.catalog..", "io.innominatus.resolve..", "io.innominatus.policy..",
                        "io.innominatus.execute..", "io.innominatus.steps..", "io.innominatus.store..", "io.innominatus.app..",
                        "io.innominatus.api.grpc..", "io.innominatus.api.mapping..", "io.innominatus.api.error..",
                        "io.quarkus..", "io.smallrye..", "io.vertx..", "jakarta..")
                .check(CLASSES);
    }

    @Test
    void theCliUsesNoQuarkusGeneratedStubs() {
        noClasses().that().resideInAPackage("io.innominatus.cli..")
                .should().dependOnClassesThat().haveSimpleNameStartingWith("Mutiny")
                .orShould().dependOnClassesThat().haveSimpleNameEndingWith("ServiceBean")
                .orShould().dependOnClassesThat().haveSimpleNameEndingWith("ServiceClient")
                .check(CLASSES);
    }

    @Test
    void nothingOutsideTheCliDependsOnIt() {
        noClasses().that().resideOutsideOfPackage("io.innominatus.cli..")
                .should().dependOnClassesThat().resideInAPackage("io.innominatus.cli..")
                .check(CLASSES);
    }
}
