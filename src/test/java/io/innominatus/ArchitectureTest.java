package io.innominatus;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The one-way pipeline parse → resolve → policy → execute and the package rules of the design: each
 * package depends only on the packages below it, the domain on nothing, and only the API layer (and
 * the CLI) touches generated protobuf classes.
 */
class ArchitectureTest {

    private static final String ROOT = "io.innominatus";
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
    }

    private static String[] except(String... allowed) {
        List<String> all = List.of("api", "app", "catalog", "parse", "score", "resolve", "policy", "execute", "steps", "store",
                "model", "cli", "metrics");
        return all.stream().filter(p -> !List.of(allowed).contains(p)).map(p -> ROOT + "." + p + "..").toArray(String[]::new);
    }

    private static void onlyDependsOn(String pkg, String... allowed) {
        String[] forbidden = except(Stream.concat(Stream.of(pkg), Stream.of(allowed)).toArray(String[]::new));
        noClasses().that().resideInAPackage(ROOT + "." + pkg + "..")
                .should().dependOnClassesThat().resideInAnyPackage(forbidden)
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void modelDependsOnNothingButTheJdk() {
        classes().that().resideInAPackage(ROOT + ".model..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(ROOT + ".model..", "java..")
                .check(classes);
    }

    @Test
    void pipelineStagesOnlyLookBackwards() {
        onlyDependsOn("parse", "model");
        onlyDependsOn("score", "model", "parse");
        onlyDependsOn("resolve", "model", "parse");
        onlyDependsOn("policy", "model");
        onlyDependsOn("catalog", "model", "parse", "score");
        onlyDependsOn("store", "model");
        onlyDependsOn("steps", "model", "parse", "score", "store");
        onlyDependsOn("execute", "model", "parse", "steps", "store");
        onlyDependsOn("metrics", "model", "execute", "store");
        onlyDependsOn("app", "model", "parse", "score", "catalog", "resolve", "policy", "execute", "steps", "store", "metrics");
    }

    @Test
    void parsingAndPolicyAreFrameworkFree() {
        noClasses().that().resideInAnyPackage(ROOT + ".parse..", ROOT + ".resolve..", ROOT + ".policy..", ROOT + ".score..")
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "jakarta..", "io.grpc..",
                        "com.google.protobuf..", "io.smallrye..")
                .check(classes);
    }

    @Test
    void onlyTheApiLayerAndTheCliTouchGeneratedClasses() {
        noClasses().that().resideOutsideOfPackages(ROOT + ".api.grpc..", ROOT + ".api.mapping..", ROOT + ".api.error..",
                        ROOT + ".api.workflow.v1..", ROOT + ".api.policy.v1..", ROOT + ".api.audit.v1..", ROOT + ".cli..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".api.workflow.v1..", ROOT + ".api.policy.v1..",
                        ROOT + ".api.audit.v1..")
                .check(classes);
    }

    @Test
    void grpcAndProtobufStayInTheApiLayerExceptForHealthChecks() {
        // The validation step is a gRPC client of other services' grpc.health.v1; nothing else outside the
        // API layer speaks gRPC or touches protobuf.
        noClasses().that().resideOutsideOfPackages(ROOT + ".api..", ROOT + ".cli..")
                .and().doNotHaveFullyQualifiedName(ROOT + ".steps.ValidationStepExecutor")
                .should().dependOnClassesThat().resideInAnyPackage("com.google.protobuf..", "io.grpc..", "grpc..")
                .check(classes);
    }

    @Test
    void theApiLayerCallsUseCasesNotStores() {
        noClasses().that().resideInAPackage(ROOT + ".api..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".store..", ROOT + ".execute..", ROOT + ".steps..")
                .check(classes);
    }

    @Test
    void nothingDependsOnTheApiOrTheCli() {
        noClasses().that().resideOutsideOfPackages(ROOT + ".api..", ROOT + ".cli..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".api..", ROOT + ".cli..")
                .check(classes);
    }

    @Test
    void handWrittenCodeNeverSharesTheGeneratedPackages() throws IOException {
        for (String generated : List.of("api/workflow", "api/policy", "api/audit")) {
            Path dir = Path.of("src/main/java/io/innominatus", generated);
            assertTrue(!Files.exists(dir), "hand-written sources in generated package " + dir);
        }
    }

    @Test
    void everyPackageSaysWhatItHolds() throws IOException {
        try (Stream<Path> dirs = Files.walk(Path.of("src/main/java/io/innominatus"))) {
            dirs.filter(Files::isDirectory)
                    .filter(d -> {
                        try (Stream<Path> files = Files.list(d)) {
                            return files.anyMatch(f -> f.toString().endsWith(".java"));
                        } catch (IOException e) {
                            return true;
                        }
                    })
                    .forEach(d -> assertTrue(Files.exists(d.resolve("package-info.java")), "missing package-info.java in " + d));
        }
    }
}
