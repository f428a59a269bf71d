package io.innominatus.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.innominatus.model.Diagnostic;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hostile and malformed YAML is rejected with a positioned, named error, never an exception. */
class YamlLoaderTest {

    private static Diagnostic onlyError(YamlLoader.Result result) {
        List<Diagnostic> errors = result.diagnostics().stream().filter(Diagnostic::isError).toList();
        assertFalse(errors.isEmpty(), "expected an error");
        return errors.get(0);
    }

    @Test
    void billionLaughsIsRejected() {
        StringBuilder yaml = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        char previous = 'a';
        for (char c = 'b'; c <= 'j'; c++) {
            yaml.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                yaml.append(i == 0 ? "" : ",").append('*').append(previous);
            }
            yaml.append("]\n");
            previous = c;
        }
        YamlLoader.Result result = YamlLoader.load(yaml.toString(), "laughs.yaml");
        assertEquals("ALIAS_LIMIT", onlyError(result).code());
        assertTrue(result.documents().isEmpty());
    }

    @Test
    void aliasesWithinTheLimitExpandWithinTheNodeBudget() {
        String yaml = "base: &b {x: 1}\nfirst: *b\nsecond: *b\n";
        YamlLoader.Result result = YamlLoader.load(yaml, "ok.yaml");
        assertFalse(result.hasErrors());
        YamlNode.Mapping root = (YamlNode.Mapping) result.documents().get(0);
        assertTrue(root.get("second").orElseThrow() instanceof YamlNode.Mapping);
    }

    @Test
    void fiveMegabyteDocumentIsRejectedBeforeParsing() {
        String yaml = "key: \"" + "x".repeat(5 * 1024 * 1024) + "\"\n";
        Diagnostic error = onlyError(YamlLoader.load(yaml, "huge.yaml"));
        assertEquals("DOCUMENT_TOO_LARGE", error.code());
        assertEquals("huge.yaml", error.location().file());
    }

    @Test
    void thousandLevelNestingIsRejected() {
        String yaml = "a: " + "[".repeat(1000) + "]".repeat(1000) + "\n";
        assertEquals("NESTING_TOO_DEEP", onlyError(YamlLoader.load(yaml, "deep.yaml")).code());
        String mappings = "{a: ".repeat(1000) + "1" + "}".repeat(1000);
        assertEquals("NESTING_TOO_DEEP", onlyError(YamlLoader.load(mappings, "deep.yaml")).code());
    }

    @Test
    void javaTagsAreRejectedWithTheirPosition() {
        String yaml = "ok: 1\nevil: !!java.lang.ProcessBuilder [[\"touch\", \"/tmp/pwned\"]]\n";
        Diagnostic error = onlyError(YamlLoader.load(yaml, "tag.yaml"));
        assertEquals("UNSAFE_TAG", error.code());
        assertEquals(2, error.location().line());
        assertEquals(7, error.location().column());
    }

    @Test
    void localTagsAreRejected() {
        Diagnostic error = onlyError(YamlLoader.load("value: !custom thing\n", "tag.yaml"));
        assertEquals("UNSAFE_TAG", error.code());
        assertEquals("value", error.fieldPath());
    }

    @Test
    void recursiveAliasIsRejected() {
        YamlLoader.Result result = YamlLoader.load("a: &x [1, *x]\n", "loop.yaml");
        assertTrue(result.hasErrors());
        assertTrue(List.of("RECURSIVE_ALIAS", "YAML_SYNTAX", "ALIAS_LIMIT").contains(onlyError(result).code()));
    }

    @Test
    void mergeKeysAreReportedNotSilentlyMerged() {
        Diagnostic error = onlyError(YamlLoader.load("base: &b {x: 1}\nchild:\n  <<: *b\n  y: 2\n", "merge.yaml"));
        assertEquals("UNSUPPORTED_MERGE_KEY", error.code());
        assertEquals(3, error.location().line());
    }

    @Test
    void everyDuplicateKeyIsReported() {
        YamlLoader.Result result = YamlLoader.load("a: 1\nb: 2\na: 3\nb: 4\n", "dup.yaml");
        List<Diagnostic> duplicates = result.diagnostics().stream().filter(d -> d.code().equals("DUPLICATE_KEY")).toList();
        assertEquals(2, duplicates.size());
        assertEquals(3, duplicates.get(0).location().line());
        assertEquals(4, duplicates.get(1).location().line());
    }

    @Test
    void syntaxErrorsCarryTheirPosition() {
        Diagnostic error = onlyError(YamlLoader.load("a: [1, 2\nb: 3\n", "broken.yaml"));
        assertEquals("YAML_SYNTAX", error.code());
        assertTrue(error.location().line() > 0);
    }

    @Test
    void scalarsKeepTheirResolvedKind() {
        YamlNode.Mapping root = (YamlNode.Mapping) YamlLoader.load("n: 12\nf: 1.5\nb: true\ns: text\nz: ~\n", "k.yaml")
                .documents().get(0);
        assertEquals(YamlNode.ScalarKind.INT, ((YamlNode.Scalar) root.get("n").orElseThrow()).kind());
        assertEquals(YamlNode.ScalarKind.FLOAT, ((YamlNode.Scalar) root.get("f").orElseThrow()).kind());
        assertEquals(YamlNode.ScalarKind.BOOL, ((YamlNode.Scalar) root.get("b").orElseThrow()).kind());
        assertEquals(YamlNode.ScalarKind.STRING, ((YamlNode.Scalar) root.get("s").orElseThrow()).kind());
        assertTrue(((YamlNode.Scalar) root.get("z").orElseThrow()).isNull());
    }
}
