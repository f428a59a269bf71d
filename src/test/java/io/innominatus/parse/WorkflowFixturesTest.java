package io.innominatus.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.innominatus.model.Diagnostic;
import io.innominatus.support.YamlLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every fixture under {@code workflows/valid} parses without errors; every fixture under
 * {@code workflows/invalid} yields exactly the diagnostics its {@code # expect: CODE line:column path}
 * header lines name (and no error of another code).
 */
class WorkflowFixturesTest {

    static final Path FIXTURES = Path.of("src/test/resources/workflows");
    private static final Pattern EXPECT = Pattern.compile("^# expect: (\\S+) (\\d+):(\\d+)(?: (\\S+))?$");
    private static final Pattern KIND = Pattern.compile("^# kind: (\\S+)$");
    private static final Pattern PRODUCT = Pattern.compile("^# product-directory: (\\S+)$");

    record Expected(String code, int line, int column, String path) {}

    @TestFactory
    Stream<DynamicTest> validFixturesHaveNoErrors() throws IOException {
        return fixtures("valid").map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            List<Diagnostic> diagnostics = parse(file);
            List<Diagnostic> errors = diagnostics.stream().filter(Diagnostic::isError).toList();
            assertTrue(errors.isEmpty(), () -> "unexpected errors: " + describe(errors));
        }));
    }

    @TestFactory
    Stream<DynamicTest> invalidFixturesReportTheirPositions() throws IOException {
        return fixtures("invalid").map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            List<Expected> expected = expectations(file);
            assertFalse(expected.isEmpty(), "fixture has no '# expect:' line");
            List<Diagnostic> diagnostics = parse(file);
            for (Expected e : expected) {
                boolean found = diagnostics.stream().anyMatch(d -> d.code().equals(e.code())
                        && d.location().line() == e.line() && d.location().column() == e.column()
                        && (e.path() == null || e.path().equals(d.fieldPath()))
                        && d.location().file().equals(file.getFileName().toString()));
                if (!found) {
                    fail("expected " + e + " in " + describe(diagnostics));
                }
            }
            Set<String> expectedCodes = expected.stream().map(Expected::code).collect(Collectors.toSet());
            List<Diagnostic> unexpected = diagnostics.stream()
                    .filter(d -> d.isError() && !expectedCodes.contains(d.code())).toList();
            assertTrue(unexpected.isEmpty(), () -> "unexpected errors: " + describe(unexpected));
        }));
    }

    static List<Diagnostic> parse(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String kind = header(text, KIND);
        String product = header(text, PRODUCT);
        Path base = file.getParent().resolve("dirs").resolve(product == null ? "platform" : product);
        Files.createDirectories(base.resolve("terraform"));
        Files.createDirectories(base.resolve("migrations"));
        WorkflowParser.Source source = new WorkflowParser.Source(file.getFileName().toString(), kind, product, base,
                Map.of("defaultCostCenter", "engineering"));
        List<Diagnostic> diagnostics = new ArrayList<>();
        WorkflowParser.parse(text, source, YamlLoader.Limits.DEFAULT).forEach(d -> diagnostics.addAll(d.diagnostics()));
        return diagnostics;
    }

    private static String header(String text, Pattern pattern) {
        for (String line : text.split("\n")) {
            Matcher m = pattern.matcher(line.trim());
            if (m.matches()) {
                return m.group(1);
            }
        }
        return null;
    }

    private static List<Expected> expectations(Path file) throws IOException {
        List<Expected> expected = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            Matcher m = EXPECT.matcher(line.trim());
            if (m.matches()) {
                expected.add(new Expected(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), m.group(4)));
            }
        }
        return expected;
    }

    private static Stream<Path> fixtures(String folder) throws IOException {
        try (Stream<Path> files = Files.list(FIXTURES.resolve(folder))) {
            List<Path> list = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
            assertFalse(list.isEmpty());
            return list.stream();
        }
    }

    static String describe(List<Diagnostic> diagnostics) {
        return diagnostics.stream().map(d -> "\n  " + d.describe() + " [" + d.fieldPath() + "]").collect(Collectors.joining());
    }

    @org.junit.jupiter.api.Test
    void expectationPatternReadsHeaders() {
        Matcher m = EXPECT.matcher("# expect: UNKNOWN_KEY 3:5 spec.steps[0].x");
        assertTrue(m.matches());
        assertEquals("spec.steps[0].x", m.group(4));
    }
}
