package io.innominatus.support;

import io.innominatus.model.Diagnostic;
import io.innominatus.model.SourceLocation;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Composes YAML text into {@link YamlNode} trees. Only SnakeYAML's composer runs, configured like
 * {@link SafeConstructor} with alias, nesting and size limits; no Java object is ever constructed
 * from a tag, and any tag outside YAML's core schema is rejected.
 */
public final class YamlLoader {

    private static final String CORE_TAG_PREFIX = "tag:yaml.org,2002:";
    private static final Set<String> CORE_TAGS = Set.of("str", "int", "float", "bool", "null", "map", "seq", "timestamp");
    /** The most documents one stream may hold; every document gets its own report, so this bounds the report. */
    public static final int MAX_DOCUMENTS = 100;

    /**
     * Limits applied while loading.
     *
     * @param maxBytes largest document accepted, in UTF-8 bytes
     * @param maxAliases aliases allowed to refer to collections (stops "billion laughs")
     * @param maxDepth deepest nesting of collections
     * @param maxNodes nodes allowed after alias expansion; the text of the expanded document (every scalar and
     *     key, counted again wherever an alias repeats it) may reach {@link #maxExpandedChars()}
     */
    public record Limits(int maxBytes, int maxAliases, int maxDepth, int maxNodes) {
        public static final Limits DEFAULT = new Limits(1024 * 1024, 20, 64, 100_000);

        /** Aliases of scalars are not limited by count, but what they expand to is, at most four times the limit. */
        public long maxExpandedChars() {
            return 4L * maxBytes;
        }

        /** What a document of {@code length} characters may expand to: its cost stays proportional to its size. */
        long maxExpandedChars(int length) {
            return Math.min(maxExpandedChars(), 4L * length + 65_536);
        }
    }

    /**
     * The documents of a stream and every problem found. Documents are empty when the text could not
     * be composed at all; after tag or duplicate-key errors they hold what could be read.
     */
    public record Result(List<YamlNode> documents, List<Diagnostic> diagnostics) {
        public Result {
            documents = List.copyOf(documents);
            diagnostics = List.copyOf(diagnostics);
        }

        public boolean hasErrors() {
            return Diagnostic.anyError(diagnostics);
        }
    }

    private YamlLoader() {}

    public static Result load(String text, String file) {
        return load(text, file, Limits.DEFAULT);
    }

    public static Result load(String text, String file, Limits limits) {
        if (text.length() > limits.maxBytes() || text.getBytes(StandardCharsets.UTF_8).length > limits.maxBytes()) {
            return failure(Diagnostic.error("DOCUMENT_TOO_LARGE",
                    "document exceeds the limit of " + limits.maxBytes() + " bytes", SourceLocation.ofFile(file), ""));
        }
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(limits.maxAliases());
        options.setNestingDepthLimit(limits.maxDepth());
        options.setCodePointLimit(limits.maxBytes());
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        options.setProcessComments(false);
        // Only the composer runs (no constructor at all); the reader is kept to position errors that
        // SnakeYAML reports without a mark (its limits) at the place where reading stopped.
        StreamReader reader = new StreamReader(new StringReader(text));
        Composer composer = new Composer(new ParserImpl(reader, options), new Resolver(), options);
        List<Node> composed = new ArrayList<>();
        try {
            while (composer.checkNode()) {
                if (composed.size() == MAX_DOCUMENTS) {
                    return failure(Diagnostic.error("TOO_MANY_DOCUMENTS", "a file may hold at most " + MAX_DOCUMENTS
                            + " YAML documents", location(file, reader.getMark()), ""));
                }
                Node node = composer.getNode();
                if (node != null) {
                    composed.add(node);
                }
            }
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            // The mark's own line and column can point past the end of a line (a lone '\r' before the end of
            // the input); its index into the text gives a position that exists.
            SourceLocation at = mark == null ? SourceLocation.ofFile(file) : positionOf(text, mark.getIndex(), file);
            String problem = e.getProblem() == null ? "malformed YAML" : e.getProblem();
            if (problem.startsWith("Global tag is not allowed")) {
                String tag = problem.substring(problem.indexOf(':') + 1).trim();
                return failure(Diagnostic.error("UNSAFE_TAG", "tag '" + tag + "' is not allowed; only plain YAML values "
                        + "(strings, numbers, booleans, null, mappings, sequences) are accepted", at, ""));
            }
            String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
            return failure(Diagnostic.error("YAML_SYNTAX", problem + context, at, ""));
        } catch (ReaderException e) {
            return failure(Diagnostic.error("INVALID_CHARACTER", "character " + codePoint(e.getCodePoint())
                    + " is not allowed in YAML (control characters other than tab and line breaks, unpaired surrogates "
                    + "and non-characters are rejected)", positionOf(text, e.getPosition(), file), ""));
        } catch (YAMLException e) {
            return failure(Diagnostic.error(limitCode(e.getMessage()), limitMessage(e.getMessage(), limits),
                    location(file, reader.getMark()), ""));
        } catch (RuntimeException | StackOverflowError e) {
            return failure(Diagnostic.error("YAML_SYNTAX", "malformed YAML", location(file, reader.getMark()), ""));
        }
        Converter converter = new Converter(file, limits, limits.maxExpandedChars(text.length()));
        List<YamlNode> documents = new ArrayList<>();
        for (Node node : composed) {
            documents.add(converter.convert(node, "", 0));
        }
        // Documents are returned even with errors so that readers can report further problems too.
        return new Result(documents, converter.diagnostics);
    }

    private static Result failure(Diagnostic diagnostic) {
        return new Result(List.of(), List.of(diagnostic));
    }

    private static String limitCode(String message) {
        String m = message == null ? "" : message;
        if (m.contains("aliases")) {
            return "ALIAS_LIMIT";
        }
        if (m.contains("Nesting Depth")) {
            return "NESTING_TOO_DEEP";
        }
        if (m.contains("code points")) {
            return "DOCUMENT_TOO_LARGE";
        }
        return "YAML_SYNTAX";
    }

    private static String limitMessage(String message, Limits limits) {
        return switch (limitCode(message)) {
            case "ALIAS_LIMIT" -> "too many aliases to collections (limit " + limits.maxAliases() + ")";
            case "NESTING_TOO_DEEP" -> "nesting deeper than " + limits.maxDepth() + " levels";
            case "DOCUMENT_TOO_LARGE" -> "document exceeds the limit of " + limits.maxBytes() + " bytes";
            default -> "malformed YAML";
        };
    }

    private static String codePoint(int codePoint) {
        return String.format(java.util.Locale.ROOT, "U+%04X", codePoint);
    }

    /**
     * The line and column of the {@code index}-th code point, counting line breaks as YAML does
     * ({@code \r\n}, {@code \r}, {@code \n}, NEL, LS and PS).
     */
    static SourceLocation positionOf(String text, int index, String file) {
        int line = 1;
        int column = 1;
        int seen = 0;
        for (int i = 0; i < text.length() && seen < index; seen++) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c == '\r' && i < text.length() && text.charAt(i) == '\n') {
                continue;
            }
            if (c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029) {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new SourceLocation(file, line, column);
    }

    static SourceLocation location(String file, Mark mark) {
        if (mark == null) {
            return SourceLocation.ofFile(file);
        }
        return new SourceLocation(file, mark.getLine() + 1, mark.getColumn() + 1);
    }

    /** Walks composed nodes, checking tags, keys and the expanded size. */
    private static final class Converter {
        private final String file;
        private final Limits limits;
        private final List<Diagnostic> diagnostics = new ArrayList<>();
        private final Map<Node, Boolean> onPath = new IdentityHashMap<>();
        private int nodes;
        private long expandedChars;
        private boolean budgetReported;

        private final long maxExpandedChars;

        Converter(String file, Limits limits, long maxExpandedChars) {
            this.file = file;
            this.limits = limits;
            this.maxExpandedChars = maxExpandedChars;
        }

        YamlNode convert(Node node, String path, int depth) {
            SourceLocation location = location(file, node.getStartMark());
            if (++nodes > limits.maxNodes()) {
                return overBudget("document expands to more than " + limits.maxNodes() + " nodes", location, path);
            }
            if (node instanceof ScalarNode scalar && !spend(scalar.getValue().length())) {
                return overBudget("document expands to more than " + maxExpandedChars + " characters (aliases "
                        + "repeat the text they refer to)", location, path);
            }
            if (depth > limits.maxDepth()) {
                DiagnosticCap.add(diagnostics, Diagnostic.error("NESTING_TOO_DEEP",
                        "nesting deeper than " + limits.maxDepth() + " levels", location, path));
                return new YamlNode.Scalar("", YamlNode.ScalarKind.NULL, location);
            }
            checkTag(node, location, path);
            if (onPath.put(node, Boolean.TRUE) != null) {
                DiagnosticCap.add(diagnostics, Diagnostic.error("RECURSIVE_ALIAS", "an alias refers to a node containing it",
                        location, path));
                return new YamlNode.Scalar("", YamlNode.ScalarKind.NULL, location);
            }
            try {
                if (node instanceof ScalarNode scalar) {
                    return new YamlNode.Scalar(scalar.getValue(), kindOf(scalar), location);
                }
                if (node instanceof SequenceNode sequence) {
                    List<YamlNode> items = new ArrayList<>();
                    List<Node> values = sequence.getValue();
                    for (int i = 0; i < values.size(); i++) {
                        items.add(convert(values.get(i), path + "[" + i + "]", depth + 1));
                    }
                    return new YamlNode.Sequence(items, location);
                }
                MappingNode mapping = (MappingNode) node;
                List<YamlNode.Entry> entries = new ArrayList<>();
                Map<String, SourceLocation> seen = new HashMap<>();
                for (NodeTuple tuple : mapping.getValue()) {
                    Node keyNode = tuple.getKeyNode();
                    SourceLocation keyLocation = location(file, keyNode.getStartMark());
                    if (keyNode.getTag().equals(Tag.MERGE)) {
                        DiagnosticCap.add(diagnostics, Diagnostic.error("UNSUPPORTED_MERGE_KEY",
                                "merge keys (<<) are not supported; repeat the keys instead", keyLocation, path));
                        continue;
                    }
                    if (!(keyNode instanceof ScalarNode keyScalar)) {
                        DiagnosticCap.add(diagnostics, Diagnostic.error("INVALID_KEY", "mapping keys must be scalars",
                                keyLocation, path));
                        continue;
                    }
                    checkTag(keyNode, keyLocation, path);
                    String key = keyScalar.getValue();
                    if (!spend(key.length())) {
                        overBudget("document expands to more than " + maxExpandedChars + " characters (aliases "
                                + "repeat the text they refer to)", keyLocation, path);
                        break;
                    }
                    String childPath = path.isEmpty() ? pathSegment(key) : path + "." + pathSegment(key);
                    SourceLocation first = seen.putIfAbsent(key, keyLocation);
                    if (first != null) {
                        DiagnosticCap.add(diagnostics, Diagnostic.error("DUPLICATE_KEY", "duplicate key '" + key
                                + "' (first defined at line " + first.line() + ")", keyLocation, childPath));
                        continue;
                    }
                    YamlNode.Scalar keyValue = new YamlNode.Scalar(key, kindOf(keyScalar), keyLocation);
                    entries.add(new YamlNode.Entry(keyValue, convert(tuple.getValueNode(), childPath, depth + 1)));
                }
                return new YamlNode.Mapping(entries, location);
            } finally {
                onPath.remove(node);
            }
        }

        private YamlNode overBudget(String message, SourceLocation location, String path) {
            if (!budgetReported) {
                budgetReported = true;
                DiagnosticCap.add(diagnostics, Diagnostic.error("ALIAS_LIMIT", message, location, path));
            }
            return new YamlNode.Scalar("", YamlNode.ScalarKind.NULL, location);
        }

        /** Counts expanded text; false once the budget is spent. */
        private boolean spend(long chars) {
            expandedChars += chars;
            return expandedChars <= maxExpandedChars;
        }

        /** A key as it appears in field paths: long keys are shortened, so that paths stay short at any depth. */
        private static String pathSegment(String key) {
            return key.length() <= 64 ? key : key.substring(0, 48) + "…(" + key.length() + " chars)";
        }

        private void checkTag(Node node, SourceLocation location, String path) {
            String tag = node.getTag().getValue();
            boolean core = tag.startsWith(CORE_TAG_PREFIX) && CORE_TAGS.contains(tag.substring(CORE_TAG_PREFIX.length()));
            if (!core) {
                DiagnosticCap.add(diagnostics, Diagnostic.error("UNSAFE_TAG", "tag '" + tag + "' is not allowed; only plain YAML"
                        + " values (strings, numbers, booleans, null, mappings, sequences) are accepted", location, path));
            }
        }

        private static YamlNode.ScalarKind kindOf(ScalarNode node) {
            Tag tag = node.getTag();
            if (tag.equals(Tag.NULL)) {
                return YamlNode.ScalarKind.NULL;
            }
            if (tag.equals(Tag.BOOL)) {
                return YamlNode.ScalarKind.BOOL;
            }
            if (tag.equals(Tag.INT)) {
                return YamlNode.ScalarKind.INT;
            }
            if (tag.equals(Tag.FLOAT)) {
                return YamlNode.ScalarKind.FLOAT;
            }
            return YamlNode.ScalarKind.STRING;
        }
    }
}
