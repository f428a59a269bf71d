package io.innominatus.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.innominatus.api.EngineTestProfile;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CLI examples in README.md are true: every {@code $ innominatus-ctl ...} line of a {@code console} block marked
 * {@code <!-- runnable -->} runs against a test instance of the service (bundled catalog), in a scratch copy of
 * {@code workflows/} where the {@code yaml} blocks marked {@code <!-- file: PATH -->} have been written first, and its
 * output must match the lines shown: {@code …} inside a line stands for any text, a line that is only {@code …} for any
 * number of lines, an abbreviated id such as {@code 849dbb39-…} for any execution id, and runs of spaces compare equal. {@code # exits N} after a command gives its exit code (default 0).
 * An argument containing {@code …} stands for the execution id printed last. {@code -Dinnominatus.cli.docs=FILE}
 * checks another file.
 */
@QuarkusTest
@TestProfile(EngineTestProfile.class)
class ReadmeExamplesTest {

    private static final Pattern FILE_MARKER = Pattern.compile("<!--\\s*file:\\s*(\\S+)\\s*-->");
    private static final Pattern RUNNABLE_MARKER = Pattern.compile("<!--\\s*runnable\\s*-->");
    private static final Pattern EXITS = Pattern.compile("\\s+#\\s*exits\\s+(\\d+)\\s*$");
    private static final String PROMPT = "$ innominatus-ctl ";
    private static final Pattern SHORT_ID = Pattern.compile("[0-9a-f]{8}-…");

    @TestHTTPResource("/")
    URL url;

    /** Something the document asks for, in order. */
    sealed interface Step permits WriteFile, Command {}

    record WriteFile(int line, String path, String content) implements Step {}

    record Command(int line, String text, int exitCode, List<String> expected) implements Step {}

    static List<Step> parse(List<String> lines) {
        List<Step> steps = new ArrayList<>();
        String pendingFile = null;
        boolean pendingRunnable = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher file = FILE_MARKER.matcher(line.strip());
            if (file.matches()) {
                pendingFile = file.group(1);
                continue;
            }
            if (RUNNABLE_MARKER.matcher(line.strip()).matches()) {
                pendingRunnable = true;
                continue;
            }
            if (line.startsWith("```") && (pendingFile != null || pendingRunnable)) {
                List<String> block = new ArrayList<>();
                int start = i + 1;
                for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
                    block.add(lines.get(i));
                }
                if (pendingFile != null) {
                    steps.add(new WriteFile(start, pendingFile, String.join("\n", block) + "\n"));
                } else if (line.strip().equals("```console")) {
                    steps.addAll(commands(block, start));
                }
                pendingFile = null;
                pendingRunnable = false;
                continue;
            }
            if (!line.isBlank()) {
                pendingFile = null;
                pendingRunnable = false;
            }
        }
        return steps;
    }

    private static List<Command> commands(List<String> block, int firstLine) {
        List<Command> commands = new ArrayList<>();
        for (int i = 0; i < block.size(); i++) {
            String line = block.get(i);
            if (!line.startsWith("$ ")) {
                continue;
            }
            if (!line.startsWith(PROMPT)) {
                throw new AssertionError("line " + (firstLine + i + 1) + ": a runnable block holds innominatus-ctl commands only: " + line);
            }
            List<String> expected = new ArrayList<>();
            int j = i + 1;
            for (; j < block.size() && !block.get(j).startsWith("$ "); j++) {
                expected.add(block.get(j));
            }
            String text = line.substring(PROMPT.length());
            int exitCode = 0;
            Matcher exits = EXITS.matcher(text);
            if (exits.find()) {
                exitCode = Integer.parseInt(exits.group(1));
                text = text.substring(0, exits.start());
            }
            commands.add(new Command(firstLine + i + 1, text.strip(), exitCode, trim(expected)));
            i = j - 1;
        }
        return commands;
    }

    /** Splits like a shell: whitespace separates, single and double quotes group. */
    static List<String> split(String text) {
        List<String> args = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inArg = false;
        char quote = 0;
        for (char c : text.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    current.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inArg = true;
            } else if (Character.isWhitespace(c)) {
                if (inArg) {
                    args.add(current.toString());
                    current.setLength(0);
                    inArg = false;
                }
            } else {
                current.append(c);
                inArg = true;
            }
        }
        if (inArg) {
            args.add(current.toString());
        }
        return args;
    }

    private static List<String> trim(List<String> lines) {
        int from = 0;
        int to = lines.size();
        while (from < to && lines.get(from).isBlank()) {
            from++;
        }
        while (to > from && lines.get(to - 1).isBlank()) {
            to--;
        }
        return lines.subList(from, to);
    }

    private static String normalize(String line) {
        return line.strip().replaceAll("\\s+", " ");
    }

    /** Glob over lines: "…" alone matches any number of lines, "…" inside a line any text. */
    static boolean matches(List<String> expected, List<String> actual) {
        if (expected.isEmpty()) {
            return actual.isEmpty();
        }
        String first = normalize(expected.get(0));
        if (first.equals("…")) {
            for (int skip = 0; skip <= actual.size(); skip++) {
                if (matches(expected.subList(1, expected.size()), actual.subList(skip, actual.size()))) {
                    return true;
                }
            }
            return false;
        }
        if (actual.isEmpty()) {
            return false;
        }
        return normalize(actual.get(0)).matches(lineRegex(first))
                && matches(expected.subList(1, expected.size()), actual.subList(1, actual.size()));
    }

    /** An abbreviated execution id such as {@code 849dbb39-…} stands for any execution id; any other {@code …} for any text. */
    private static String lineRegex(String line) {
        StringBuilder regex = new StringBuilder();
        Matcher id = SHORT_ID.matcher(line);
        int from = 0;
        while (id.find()) {
            regex.append(anyText(line.substring(from, id.start()))).append(Ctl.EXECUTION_ID.pattern());
            from = id.end();
        }
        return regex.append(anyText(line.substring(from))).toString();
    }

    private static String anyText(String text) {
        StringBuilder regex = new StringBuilder();
        String[] parts = text.split("…", -1);
        for (int i = 0; i < parts.length; i++) {
            regex.append(Pattern.quote(parts[i]));
            if (i < parts.length - 1) {
                regex.append(".*");
            }
        }
        return regex.toString();
    }

    @Test
    void runnableCliExamplesInTheReadmeAreAccurate() throws IOException {
        Path document = Path.of(System.getProperty("innominatus.cli.docs", "README.md"));
        List<Step> steps = parse(Files.readAllLines(document));
        if (steps.stream().noneMatch(s -> s instanceof Command)) {
            System.out.println("notice: " + document + " has no runnable innominatus-ctl examples yet (console blocks marked "
                    + "<!-- runnable -->); nothing to check");
            return;
        }
        Path work = Files.createTempDirectory("innominatus-ctl-readme");
        copy(Path.of("workflows"), work.resolve("workflows"));
        forgetFailureDrillMarkers();
        Ctl ctl = new Ctl(Ctl.tempHome()).withVariable("INNOMINATUS_SERVER", "127.0.0.1:" + url.getPort()).in(work);
        List<String> failures = new ArrayList<>();
        String lastExecution = null;
        int commands = 0;
        for (Step step : steps) {
            if (step instanceof WriteFile file) {
                Path target = work.resolve(file.path()).normalize();
                assertTrue(target.startsWith(work), "file outside the scratch directory: " + file.path());
                Files.createDirectories(target.getParent());
                Files.writeString(target, file.content());
                continue;
            }
            Command command = (Command) step;
            commands++;
            List<String> args = new ArrayList<>();
            for (String arg : split(command.text())) {
                args.add(arg.contains("…") ? lastExecution : arg);
            }
            if (args.contains(null)) {
                failures.add(document + ":" + command.line() + ": uses an execution id, but none was printed before");
                continue;
            }
            Ctl.Result result = ctl.run(args.toArray(String[]::new));
            List<String> actual = new ArrayList<>(result.outLines());
            if (!result.err().isEmpty()) {
                actual.addAll(List.of(result.err().split("\n")));
            }
            if (result.exitCode() != command.exitCode()) {
                failures.add(document + ":" + command.line() + ": exit code " + result.exitCode() + ", the example says "
                        + command.exitCode() + "\n" + result);
            } else if (!matches(command.expected(), trim(actual))) {
                failures.add(document + ":" + command.line() + ": the output differs from the example\n--- example\n"
                        + String.join("\n", command.expected()) + "\n" + result);
            }
            Matcher id = Ctl.EXECUTION_ID.matcher(result.out() + result.err());
            if (id.find()) {
                lastExecution = id.group();
            }
        }
        System.out.println(document + ": ran " + commands + " innominatus-ctl examples, " + failures.size() + " differ");
        assertTrue(failures.isEmpty(), String.join("\n\n", failures));
    }

    /**
     * platform/failure-drill fails when its marker file is absent and removes it when it recovers; a run interrupted
     * before its retry leaves one behind, which would make the documented failure succeed.
     */
    private static void forgetFailureDrillMarkers() throws IOException {
        for (Path dir : List.of(Path.of("/tmp"), Path.of(System.getProperty("java.io.tmpdir")))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> markers = Files.newDirectoryStream(dir, "innominatus-drill-*")) {
                for (Path marker : markers) {
                    Files.deleteIfExists(marker);
                }
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    @Test
    void theExampleFormatIsReadAsDocumented() {
        List<Step> steps = parse(List.of(
                "<!-- file: workflows/products/shop/a.yaml -->",
                "```yaml",
                "kind: ProductWorkflow",
                "```",
                "```console",
                "$ innominatus-ctl not-run",
                "```",
                "<!-- runnable -->",
                "```console",
                "$ innominatus-ctl plan x.yaml --env \"sand box\"   # exits 4",
                "Plan for …",
                "…",
                "",
                "$ innominatus-ctl get 849dbb39-…",
                "Execution     849dbb39-…",
                "```"));
        assertTrue(steps.get(0) instanceof WriteFile w && w.path().equals("workflows/products/shop/a.yaml")
                && w.content().equals("kind: ProductWorkflow\n"), steps::toString);
        assertTrue(steps.get(1) instanceof Command c && c.exitCode() == 4 && c.text().equals("plan x.yaml --env \"sand box\"")
                && c.expected().equals(List.of("Plan for …", "…")), steps::toString);
        assertTrue(steps.get(2) instanceof Command c && c.exitCode() == 0 && c.expected().size() == 1, steps::toString);
        assertTrue(steps.size() == 3, steps::toString);
        assertTrue(split("plan x.yaml --env \"sand box\" --comment 'a b'").equals(List.of("plan", "x.yaml", "--env", "sand box",
                "--comment", "a b")));
        assertTrue(matches(List.of("A  …", "…", "end"), List.of("A   b c", "x", "y", "end")));
        assertTrue(matches(List.of("A …"), List.of("A b")));
        assertTrue(matches(List.of("Approved 849dbb39-…: QUEUED"), List.of("Approved 8a7adbdf-cd5e-4f6b-a03c-b99ae1770ea6: QUEUED")));
        assertTrue(!matches(List.of("Approved 849dbb39-…: QUEUED"), List.of("Approved nothing: QUEUED")));
        assertTrue(!matches(List.of("A"), List.of("A", "extra")), "without … every line must be shown");
        assertTrue(!matches(List.of("A", "…", "B"), List.of("A", "C")));
    }
}
