package io.innominatus.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.innominatus.model.Diagnostic;
import io.innominatus.model.Phase;
import io.innominatus.model.ScoreWorkload;
import io.innominatus.model.Severity;
import io.innominatus.model.Tier;
import io.innominatus.support.ScorePlaceholders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class ScoreParserTest {

    /** The public corpus of valid Score files written by the Score project. */
    static final Path CONFORMANCE = Path.of("../shared/conformance/score");
    private static final Pattern EXPECT = Pattern.compile("^# expect: (\\S+) (\\d+):(\\d+)(?: (\\S+))?$");

    @TestFactory
    Stream<DynamicTest> everyConformanceFileIsValidScore() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(CONFORMANCE)) {
            files = list.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(files.size() >= 20, "conformance corpus not found at " + CONFORMANCE.toAbsolutePath());
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            ScoreParser.Result result = ScoreParser.parse(Files.readString(file), file.getFileName().toString());
            List<Diagnostic> errors = result.diagnostics().stream().filter(Diagnostic::isError).toList();
            assertTrue(errors.isEmpty(), () -> "errors: " + errors.stream().map(Diagnostic::describe).toList());
            assertTrue(result.workload().isPresent());
            assertFalse(result.workload().get().containers().isEmpty());
        }));
    }

    @TestFactory
    Stream<DynamicTest> invalidScoreFilesReportTheirPositions() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(Path.of("src/test/resources/score/invalid"))) {
            files = list.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            String text = Files.readString(file);
            ScoreParser.Result result = ScoreParser.parse(text, file.getFileName().toString());
            assertTrue(result.workload().isEmpty(), "an invalid Score file must not produce a workload");
            List<String> codes = new java.util.ArrayList<>();
            for (String line : text.split("\n")) {
                Matcher m = EXPECT.matcher(line.trim());
                if (!m.matches()) {
                    continue;
                }
                codes.add(m.group(1));
                boolean found = result.diagnostics().stream().anyMatch(d -> d.code().equals(m.group(1))
                        && d.location().line() == Integer.parseInt(m.group(2))
                        && d.location().column() == Integer.parseInt(m.group(3))
                        && (m.group(4) == null || m.group(4).equals(d.fieldPath())));
                if (!found) {
                    fail("expected " + line + " in " + result.diagnostics().stream()
                            .map(d -> "\n  " + d.describe() + " [" + d.fieldPath() + "]").collect(Collectors.joining()));
                }
            }
            assertFalse(codes.isEmpty());
            assertTrue(result.diagnostics().stream().filter(Diagnostic::isError).allMatch(d -> codes.contains(d.code())),
                    () -> "unexpected: " + result.diagnostics().stream().map(Diagnostic::describe).toList());
        }));
    }

    @Test
    void fullSampleKeepsEveryField() throws IOException {
        ScoreWorkload w = ScoreParser.parse(Files.readString(CONFORMANCE.resolve("spec-score-full.yaml")), "full.yaml")
                .workload().orElseThrow();
        assertEquals("example-workload-name123", w.name());
        ScoreWorkload.Container one = w.containers().get("container-one1");
        assertEquals(List.of("/bin/sh", "-c"), one.command());
        assertEquals(List.of("hello", "world"), one.args());
        assertEquals("some content here", one.variables().get("SOME_VAR"));
        assertEquals(3, one.files().size());
        assertEquals("0600", one.files().get(0).mode());
        assertEquals("ADBgwpA=", one.files().get(2).binaryContent());
        assertEquals(2, one.volumes().size());
        assertEquals("/sub/path", one.volumes().get(0).path());
        assertEquals("1000m", one.resources().requests().cpu());
        assertEquals("128M", one.resources().limits().memory());
        assertEquals(8080, one.livenessProbe().httpGet().port());
        assertEquals(List.of("/bin/curl", "-f", "http://localhost:8080/livez"), one.livenessProbe().execCommand());
        assertEquals("some-value-here", one.readinessProbe().httpGet().headers().get("SOME_HEADER"));
        assertEquals(10000, w.ports().get("port-one").targetPort());
        assertEquals(8000, w.ports().get("port-two2").targetPort());
        assertEquals("shared-type-three", w.resources().get("resource-three").id());
        assertEquals("default", w.resources().get("resource-one1").resourceClass());
        assertEquals(Map.of("extra", Map.of("data", "here")), w.resources().get("resource-one1").params());
        assertEquals("", w.product());
    }

    @Test
    void deprecatedListFormsAreAcceptedWithAWarning() throws IOException {
        ScoreParser.Result result = ScoreParser.parse(
                Files.readString(CONFORMANCE.resolve("spec-score-deprecated-files-and-volumes.yaml")), "old.yaml");
        ScoreWorkload.Container main = result.workload().orElseThrow().containers().get("main");
        assertEquals("/mnt/some-path", main.files().get(0).target());
        assertEquals("some-volume", main.volumes().get(0).source());
        assertEquals(2, result.diagnostics().stream().filter(d -> d.code().equals("DEPRECATED_FORM")).count());
    }

    @Test
    void productComesOnlyFromMetadata() {
        String yaml = "apiVersion: score.dev/v1b1\nmetadata:\n  name: ecommerce-web\ncontainers: {web: {image: nginx}}\n";
        assertEquals("", ScoreParser.parse(yaml, "s.yaml").workload().orElseThrow().product());
        String withProduct = yaml.replace("  name: ecommerce-web\n", "  name: shop\n  product: ecommerce\n");
        assertEquals("ecommerce", ScoreParser.parse(withProduct, "s.yaml").workload().orElseThrow().product());
    }

    @Test
    void embeddedWorkflowsAreApplicationWorkflowsWithANote() {
        String yaml = """
                apiVersion: score.dev/v1b1
                metadata: {name: shop}
                containers: {web: {image: nginx}}
                workflows:
                  smoke:
                    phase: post-deployment
                    steps:
                      - name: ping
                        type: exec
                        config: {command: [echo, "${application.name}"]}
                """;
        ScoreParser.Result result = ScoreParser.parse(yaml, "score.yaml");
        var workflow = result.workload().orElseThrow().workflows().get(0);
        assertEquals("applications/shop/smoke", workflow.id());
        assertEquals(Tier.APPLICATION, workflow.tier());
        assertEquals(Phase.POST_DEPLOYMENT, workflow.phase());
        Optional<Diagnostic> note = result.diagnostics().stream().filter(d -> d.code().equals("SCORE_EXTENSION")).findFirst();
        assertEquals(Severity.NOTE, note.orElseThrow().severity());
        assertEquals(4, note.get().location().line());
    }

    @Test
    void scorePlaceholdersSubstituteAndEscape() {
        String out = ScorePlaceholders.substitute("$$_$${fizz} ${metadata.name}", e -> Optional.of("shop"));
        assertEquals("$_${fizz} shop", out);
    }
}
