package io.innominatus.parse;

import io.innominatus.model.Diagnostic;
import io.innominatus.model.SourceLocation;
import io.innominatus.support.DiagnosticCap;
import io.innominatus.support.Durations;
import io.innominatus.support.PlainValues;
import io.innominatus.support.YamlNode.Mapping;
import io.innominatus.support.YamlNode.Scalar;
import io.innominatus.support.YamlNode.ScalarKind;
import io.innominatus.support.YamlNode.Sequence;
import io.innominatus.support.YamlNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads typed values out of a {@link YamlNode} tree and records a positioned diagnostic for every
 * problem instead of stopping at the first, so that a document's problems are reported together.
 *
 * <p>A hostile file cannot make the work or the report unbounded. The readers of one file share a
 * {@link Budget}: after {@link #MAX_DIAGNOSTICS} problems one {@code TOO_MANY_PROBLEMS} diagnostic stands
 * for the rest, "did you mean" suggestions are computed for the first {@link #MAX_HINTS} problems only,
 * and at most {@link #MAX_EXPRESSION_CHARS} characters of CEL are compiled.
 */
public final class DocumentReader {

    public static final int MAX_DIAGNOSTICS = DiagnosticCap.MAX_DIAGNOSTICS;
    static final int MAX_HINTS = 100;
    public static final int MAX_EXPRESSION_CHARS = 64 * 1024;
    static final String TOO_MANY_PROBLEMS = DiagnosticCap.TOO_MANY_PROBLEMS;

    /** What the readers of one file may still spend. */
    private static final class Budget {
        int diagnostics;
        int hints;
        int expressionChars;
    }

    private final String file;
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private final Budget budget;

    public DocumentReader(String file) {
        this(file, new Budget());
    }

    private DocumentReader(String file, Budget budget) {
        this.file = file;
        this.budget = budget;
    }

    /** A reader for another document of the same file, sharing this reader's budget. */
    public DocumentReader sibling() {
        return new DocumentReader(file, budget);
    }

    public String file() {
        return file;
    }

    public List<Diagnostic> diagnostics() {
        return List.copyOf(diagnostics);
    }

    public boolean hasErrors() {
        return Diagnostic.anyError(diagnostics);
    }

    public void add(Diagnostic diagnostic) {
        if (budget.diagnostics < MAX_DIAGNOSTICS) {
            budget.diagnostics++;
            diagnostics.add(diagnostic);
        } else {
            DiagnosticCap.noteDropped(diagnostics, diagnostic);
        }
    }

    public void addAll(Collection<Diagnostic> more) {
        more.forEach(this::add);
    }

    public void error(String code, String message, SourceLocation location, String path) {
        add(Diagnostic.error(code, message, location, path));
    }

    public void warning(String code, String message, SourceLocation location, String path) {
        add(Diagnostic.warning(code, message, location, path));
    }

    /** {@link Suggestions#hint}, while the file's suggestion budget lasts. */
    public String hint(String input, Collection<String> candidates) {
        return budget.hints++ < MAX_HINTS ? Suggestions.hint(input, candidates) : "";
    }

    /**
     * Takes {@code length} characters from the file's CEL budget; false (and nothing taken) when they
     * would exceed it.
     */
    public boolean spendOnExpression(int length) {
        if (budget.expressionChars + length > MAX_EXPRESSION_CHARS) {
            return false;
        }
        budget.expressionChars += length;
        return true;
    }

    public static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public static String index(String path, int i) {
        return path + "[" + i + "]";
    }

    /** The node as a mapping, or a WRONG_TYPE error. */
    public Optional<Mapping> mapping(YamlNode node, String path) {
        if (node instanceof Mapping m) {
            return Optional.of(m);
        }
        wrongType(node, path, "a mapping");
        return Optional.empty();
    }

    /** The node as a sequence, or a WRONG_TYPE error. */
    public Optional<Sequence> sequence(YamlNode node, String path) {
        if (node instanceof Sequence s) {
            return Optional.of(s);
        }
        wrongType(node, path, "a list");
        return Optional.empty();
    }

    /** Reports every key of {@code map} that is not in {@code allowed}, with a suggestion. */
    public void checkKeys(Mapping map, String path, Collection<String> allowed) {
        for (YamlNode.Entry entry : map.entries()) {
            String key = entry.key().value();
            if (!allowed.contains(key)) {
                error("UNKNOWN_KEY", "unknown key '" + key + "'" + hint(key, allowed)
                        + "; allowed keys: " + String.join(", ", allowed),
                        entry.key().location(), child(path, key));
            }
        }
    }

    /** The value under {@code key}, reporting MISSING_FIELD at the mapping when required and absent. */
    public Optional<YamlNode> field(Mapping map, String key, String path, boolean required) {
        Optional<YamlNode> value = map.get(key).filter(v -> !(v instanceof Scalar s && s.isNull()));
        if (value.isEmpty() && required) {
            error("MISSING_FIELD", "required field '" + key + "' is missing", map.location(), child(path, key));
        }
        return value;
    }

    public Optional<String> string(Mapping map, String key, String path, boolean required) {
        return field(map, key, path, required).flatMap(node -> string(node, child(path, key)));
    }

    /** A scalar as text; numbers and booleans are accepted with their literal spelling. */
    public Optional<String> string(YamlNode node, String path) {
        if (node instanceof Scalar scalar && !scalar.isNull()) {
            return Optional.of(scalar.value());
        }
        wrongType(node, path, "a string");
        return Optional.empty();
    }

    public Optional<Long> integer(Mapping map, String key, String path, boolean required) {
        return field(map, key, path, required).flatMap(node -> integer(node, child(path, key)));
    }

    public Optional<Long> integer(YamlNode node, String path) {
        if (node instanceof Scalar scalar && (scalar.kind() == ScalarKind.INT || scalar.kind() == ScalarKind.STRING)) {
            Optional<Long> value = PlainValues.parseInteger(scalar.value());
            if (value.isPresent()) {
                return value;
            }
        }
        wrongType(node, path, "an integer");
        return Optional.empty();
    }

    public Optional<Boolean> bool(Mapping map, String key, String path, boolean required) {
        return field(map, key, path, required).flatMap(node -> {
            if (node instanceof Scalar s && s.kind() == ScalarKind.BOOL) {
                String v = s.value().toLowerCase(java.util.Locale.ROOT);
                return Optional.of(v.equals("true") || v.equals("yes") || v.equals("on") || v.equals("y"));
            }
            wrongType(node, child(path, key), "true or false");
            return Optional.empty();
        });
    }

    public Optional<Duration> duration(Mapping map, String key, String path, boolean required) {
        return field(map, key, path, required).flatMap(node -> {
            if (node instanceof Scalar s && !s.isNull()) {
                Optional<Duration> d = Durations.parse(s.value());
                if (d.isPresent()) {
                    return d;
                }
                error("INVALID_DURATION", "'" + s.value() + "' is not a duration (examples: 30s, 5m, 1h30m, 500ms)",
                        s.location(), child(path, key));
                return Optional.empty();
            }
            wrongType(node, child(path, key), "a duration such as 30s");
            return Optional.empty();
        });
    }

    /** A list of strings; a single scalar is accepted as a one-element list. */
    public Optional<List<String>> stringList(Mapping map, String key, String path, boolean required) {
        return field(map, key, path, required).flatMap(node -> stringList(node, child(path, key)));
    }

    public Optional<List<String>> stringList(YamlNode node, String path) {
        if (node instanceof Scalar scalar && !scalar.isNull()) {
            return Optional.of(List.of(scalar.value()));
        }
        return sequence(node, path).map(seq -> {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < seq.items().size(); i++) {
                string(seq.items().get(i), index(path, i)).ifPresent(values::add);
            }
            return values;
        });
    }

    /** A mapping of strings to strings, keeping order. */
    public Optional<Map<String, String>> stringMap(Mapping map, String key, String path, boolean required) {
        return field(map, key, path, required).flatMap(node -> mapping(node, child(path, key)).map(m -> {
            Map<String, String> values = new LinkedHashMap<>();
            for (YamlNode.Entry entry : m.entries()) {
                string(entry.value(), child(child(path, key), entry.key().value()))
                        .ifPresent(v -> values.put(entry.key().value(), v));
            }
            return values;
        }));
    }

    /** An enumerated value; unknown spellings are reported with the allowed ones and a suggestion. */
    public <E> Optional<E> enumValue(YamlNode node, String path, Function<String, Optional<E>> parser, List<String> allowed) {
        return string(node, path).flatMap(text -> {
            Optional<E> value = parser.apply(text);
            if (value.isEmpty()) {
                error("INVALID_ENUM", "'" + text + "' is not one of " + String.join(", ", allowed)
                        + hint(text, allowed), node.location(), path);
            }
            return value;
        });
    }

    private void wrongType(YamlNode node, String path, String expected) {
        error("WRONG_TYPE", "expected " + expected + " but found " + node.kindName(), node.location(), path);
    }

}
