package io.innominatus.support;

import io.innominatus.model.SourceLocation;
import java.util.List;
import java.util.Optional;

/** A YAML node with its position: a mapping, a sequence or a scalar. */
public sealed interface YamlNode {

    SourceLocation location();

    /** What kind of value a node holds, for error messages. */
    String kindName();

    /** A scalar. {@code kind} is the type the YAML resolver gave its plain text. */
    record Scalar(String value, ScalarKind kind, SourceLocation location) implements YamlNode {
        @Override
        public String kindName() {
            return switch (kind) {
                case NULL -> "null";
                case BOOL -> "boolean";
                case INT -> "integer";
                case FLOAT -> "number";
                case STRING -> "string";
            };
        }

        public boolean isNull() {
            return kind == ScalarKind.NULL;
        }
    }

    /** A mapping; keys are scalars and unique (duplicates are reported while composing). */
    record Mapping(List<Entry> entries, SourceLocation location) implements YamlNode {
        public Mapping {
            entries = List.copyOf(entries);
        }

        @Override
        public String kindName() {
            return "mapping";
        }

        public Optional<Entry> entry(String key) {
            return entries.stream().filter(e -> e.key().value().equals(key)).findFirst();
        }

        public Optional<YamlNode> get(String key) {
            return entry(key).map(Entry::value);
        }
    }

    record Entry(Scalar key, YamlNode value) {}

    /** A sequence. */
    record Sequence(List<YamlNode> items, SourceLocation location) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String kindName() {
            return "sequence";
        }
    }

    enum ScalarKind {
        STRING,
        INT,
        FLOAT,
        BOOL,
        NULL
    }
}
