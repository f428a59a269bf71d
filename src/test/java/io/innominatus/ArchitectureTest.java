package io.innominatus;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
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

    /**
     * The service's layers from the outside in. The generated contract is shared by the API layer and the
     * CLI; the API layer reaches the pipeline, the engine and the stores only through the application's
     * use cases; the pipeline stages and the engine reach the stores and the domain, never the layers
     * above them.
     */
    static ArchRule layers() {
        return layeredArchitecture().consideringOnlyDependenciesInAnyPackage(ROOT + "..").withOptionalLayers(true)
                .layer("Contract").definedBy(ROOT + ".api.workflow.v1..", ROOT + ".api.policy.v1..", ROOT + ".api.audit.v1..")
                .layer("API").definedBy(ROOT + ".api.grpc..", ROOT + ".api.mapping..", ROOT + ".api.error..",
                        ROOT + ".api.security..", ROOT + ".api.reflection..", ROOT + ".api.console..")
                .layer("CLI").definedBy(ROOT + ".cli..")
                .layer("Application").definedBy(ROOT + ".app..")
                .layer("Metrics").definedBy(ROOT + ".metrics..")
                .layer("Pipeline").definedBy(ROOT + ".parse..", ROOT + ".score..", ROOT + ".catalog..", ROOT + ".resolve..",
                        ROOT + ".policy..")
                .layer("Engine").definedBy(ROOT + ".execute..", ROOT + ".steps..")
                .layer("Support").definedBy(ROOT + ".support..")
                .layer("Store").definedBy(ROOT + ".store..")
                .layer("Domain").definedBy(ROOT + ".model..")
                .whereLayer("Contract").mayOnlyBeAccessedByLayers("API", "CLI")
                .whereLayer("API").mayNotBeAccessedByAnyLayer()
                .whereLayer("CLI").mayNotBeAccessedByAnyLayer()
                .whereLayer("Application").mayOnlyBeAccessedByLayers("API")
                .whereLayer("Metrics").mayOnlyBeAccessedByLayers("Application")
                .whereLayer("Pipeline").mayOnlyBeAccessedByLayers("Application")
                .whereLayer("Support").mayOnlyBeAccessedByLayers("Application", "Pipeline", "Engine")
                .whereLayer("Engine").mayOnlyBeAccessedByLayers("Application", "Metrics")
                .whereLayer("Store").mayOnlyBeAccessedByLayers("Application", "Engine", "Metrics")
                .whereLayer("Domain").mayOnlyBeAccessedByLayers("API", "Application", "Metrics", "Pipeline", "Engine", "Store",
                        "Support");
    }

    @Test
    void theLayersOnlyLookInwards() {
        layers().check(classes);
    }

    /** The layer rule must catch what it is there to catch: each probe breaks it in one way. */
    @Test
    void theLayerRuleRejectsEveryProbe() {
        // Each probe with the class it reaches for: a layer rule judges who depends on a layer's classes.
        List<List<Class<?>>> probes = List.of(
                List.of(io.innominatus.api.grpc.probe.GrpcServiceImportingTheResolver.class, io.innominatus.resolve.Resolver.class),
                List.of(io.innominatus.api.grpc.probe.GrpcServiceImportingTheStore.class, io.innominatus.store.ExecutionStore.class),
                List.of(io.innominatus.steps.probe.StepImportingTheApplication.class, io.innominatus.app.Authorization.class));
        for (List<Class<?>> probe : probes) {
            JavaClasses probed = new ClassFileImporter().importClasses(probe);
            assertThrows(AssertionError.class, () -> layers().check(probed), probe.get(0).getSimpleName() + " passed the layer rule");
        }
        layers().check(new ClassFileImporter().importClasses(io.innominatus.api.grpc.probe.GrpcServiceUsingAUseCase.class,
                io.innominatus.app.ExecutionService.class));
    }

    @Test
    void modelDependsOnNothingButTheJdk() {
        classes().that().resideInAPackage(ROOT + ".model..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(ROOT + ".model..", "java..")
                .check(classes);
    }

    @Test
    void pipelineStagesOnlyLookBackwards() {
        onlyDependsOn("support", "model");
        onlyDependsOn("parse", "model", "support");
        onlyDependsOn("score", "model", "parse", "support");
        onlyDependsOn("resolve", "model", "parse", "support");
        onlyDependsOn("policy", "model");
        onlyDependsOn("catalog", "model", "parse", "score", "support");
        onlyDependsOn("store", "model");
        onlyDependsOn("steps", "model", "store", "support");
        onlyDependsOn("execute", "model", "steps", "store", "support");
        onlyDependsOn("metrics", "model", "execute", "store");
        onlyDependsOn("app", "model", "support", "parse", "score", "catalog", "resolve", "policy", "execute", "steps", "store",
                "metrics");
    }

    /** The engine knows steps only through their SPI, never a step family. */
    static ArchRule engineSeesStepsOnlyThroughTheirSpi() {
        return noClasses().that().resideInAPackage(ROOT + ".execute..")
                .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage(ROOT + ".steps..")
                        .and(DescribedPredicate.not(JavaClass.Predicates.resideInAPackage(ROOT + ".steps.spi.."))));
    }

    /** Step types are plug-ins: their boundary depends on the domain alone, and the engine sees nothing else. */
    @Test
    void stepsArePlugInsBehindTheirSpi() {
        classes().that().resideInAPackage(ROOT + ".steps.spi..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(ROOT + ".steps.spi..", ROOT + ".model..", "java..")
                .check(classes);
        engineSeesStepsOnlyThroughTheirSpi().check(classes);
        JavaClasses probe = new ClassFileImporter().importClasses(io.innominatus.execute.probe.EngineImportingAStepFamily.class,
                io.innominatus.steps.tools.ProcessRunner.class);
        assertThrows(AssertionError.class, () -> engineSeesStepsOnlyThroughTheirSpi().check(probe));
    }

    @Test
    void parsingAndPolicyAreFrameworkFree() {
        noClasses().that().resideInAnyPackage(ROOT + ".parse..", ROOT + ".resolve..", ROOT + ".policy..", ROOT + ".score..",
                        ROOT + ".support..")
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "jakarta..", "io.grpc..",
                        "com.google.protobuf..", "io.smallrye..")
                .check(classes);
    }

    @Test
    void onlyTheApiLayerAndTheCliTouchGeneratedClasses() {
        noClasses().that().resideOutsideOfPackages(ROOT + ".api.grpc..", ROOT + ".api.mapping..", ROOT + ".api.error..",
                        ROOT + ".api.console..", ROOT + ".api.workflow.v1..", ROOT + ".api.policy.v1..", ROOT + ".api.audit.v1..", ROOT + ".cli..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".api.workflow.v1..", ROOT + ".api.policy.v1..",
                        ROOT + ".api.audit.v1..")
                .check(classes);
    }

    @Test
    void grpcAndProtobufStayInTheApiLayerExceptForHealthChecks() {
        // The validation step is a gRPC client of other services' grpc.health.v1; nothing else outside the
        // API layer speaks gRPC or touches protobuf.
        noClasses().that().resideOutsideOfPackages(ROOT + ".api..", ROOT + ".cli..")
                .and().doNotHaveFullyQualifiedName(ROOT + ".steps.checks.ValidationStepExecutor")
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
    void theConsoleGoesThroughTheApiNotAroundIt() {
        // Its calls are gRPC calls on this server, so they pass the same checks and audit as any client's.
        noClasses().that().resideInAPackage(ROOT + ".api.console..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".api.grpc..", ROOT + ".resolve..", ROOT + ".policy..",
                        ROOT + ".catalog..", ROOT + ".parse..")
                .orShould().dependOnClassesThat(com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage(ROOT + ".app..")
                        .and(com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith("Service")
                                .or(com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith("Trail"))))
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
