package io.innominatus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The grpcurl session of README.md is true: every {@code $ ...grpcurl...} command of a {@code console} block (with
 * its {@code \} continuation lines) runs, in order, with a real grpcurl and server reflection only, against the
 * packaged service with the bundled catalog, and prints what the README shows.
 *
 * <p>How the README's output is read: JSON is compared as JSON (field order and layout do not matter); {@code ...}
 * (or {@code …}) as an object member stands for any further members, as an array element or as a line between
 * streamed messages for any number of elements or messages; {@code …} inside a string for any text, and an
 * abbreviated execution id such as {@code 849dbb39-…} for any execution id. In a command, an abbreviated id stands for
 * the execution id printed last. Other lines compare with runs of spaces equal and {@code …} for any text; an
 * {@code ERROR:} report's numbered details are JSON. A block marked {@code <!-- not run: why -->} is skipped.
 *
 * <p>grpcurl comes from {@code GRPCURL}, the {@code PATH} or {@code ../shared/tools/grpcurl}; without one the test is
 * skipped, unless {@code -Dinnominatus.it.require-grpcurl=true} (CI) makes that a failure. The commands use
 * {@code jq} to build requests, so it is needed too.
 */
class ReadmeGrpcurlIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MORE = "…more…";
    private static final Pattern SHORT_ID = Pattern.compile("[0-9a-f]{8}-…");
    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final Pattern NOT_RUN = Pattern.compile("<!--\\s*not run:.*-->");
    private static final Pattern DETAIL = Pattern.compile("^\\s*(\\d+)\\)\\s*(\\{.*})\\s*$");

    private static ServiceProcess service;
    private static Path grpcurl;

    record Command(int line, String text, List<String> expected) {}

    @BeforeAll
    static void start() throws Exception {
        Optional<Path> found = findGrpcurl();
        boolean required = Boolean.getBoolean("innominatus.it.require-grpcurl");
        if (found.isEmpty() || onPath("jq").isEmpty()) {
            String missing = found.isEmpty() ? "grpcurl (set GRPCURL, put it on the PATH or in ../shared/tools)" : "jq";
            if (required) {
                throw new IllegalStateException("the README's grpcurl session needs " + missing);
            }
            Assumptions.abort("no " + missing + " on this machine");
        }
        grpcurl = found.get();
        // The README's failure drill fails on a first run only: it keeps a marker in the temporary directory, which
        // the service's processes share with this one; an earlier run on this machine must not have left one.
        Files.deleteIfExists(Path.of(Optional.ofNullable(System.getenv("TMPDIR")).orElse("/tmp"),
                "innominatus-drill-hello-world-development"));
        service = new ServiceProcess(Map.of("innominatus.data-dir", Files.createTempDirectory("innominatus-readme-grpcurl").toString()),
                Path.of("target/it-logs/service-readme-grpcurl.log"));
        service.start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void theReadmeGrpcurlSessionIsTrue() throws Exception {
        List<Command> commands = parse(Files.readAllLines(Path.of("README.md")));
        assertTrue(commands.size() >= 5, "grpcurl commands found in README.md: " + commands.size());
        String lastExecutionId = null;
        List<String> failures = new ArrayList<>();
        for (Command command : commands) {
            String text = command.text().replace("localhost:8080", "127.0.0.1:" + service.port())
                    .replaceAll("(^|\\|\\s*)grpcurl ", "$1" + Matcher.quoteReplacement(grpcurl.toString()) + " ");
            if (SHORT_ID.matcher(text).find()) {
                assertTrue(lastExecutionId != null, "README.md:" + command.line() + " names an execution before one was printed");
                text = SHORT_ID.matcher(text).replaceAll(lastExecutionId);
            }
            String output = run(text);
            Optional<String> mismatch = compare(command.expected(), output);
            if (mismatch.isPresent()) {
                failures.add("README.md:" + command.line() + ": $ " + command.text() + "\n  " + mismatch.get()
                        + "\n--- README ---\n" + String.join("\n", command.expected()) + "\n--- grpcurl printed ---\n" + output);
            }
            lastExecutionId = executionId(output).orElse(lastExecutionId);
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + commands.size() + " grpcurl examples differ:\n\n" + String.join("\n\n", failures));
        }
    }

    @Test
    void theCliPrintsTheSameJsonAsGrpcurl() throws Exception {
        Path cli = Path.of("target/innominatus-ctl.jar");
        assertTrue(Files.exists(cli), cli + " is missing: run the package phase first");
        String ctl = Path.of(System.getProperty("java.home"), "bin", "java") + " -jar " + cli + " --server localhost:"
                + service.port() + " ";
        String address = " 127.0.0.1:" + service.port() + " innominatus.workflow.v1.WorkflowService/";
        String grpc = grpcurl + " -plaintext ";
        assertEquals(json(run(grpc + address + "ListProducts")),
                json(run(ctl + "list-products -o json")));

        String started = run("jq -n --rawfile score workflows/examples/hello-world.yaml '{workflow_id: \"platform/diagnostics\", "
                + "score_yaml: $score, environment: \"development\", dry_run: true}' | " + grpc + "-d @" + address + "RunWorkflow");
        String id = executionId(started).orElseThrow(() -> new AssertionError(started));
        String request = "-d '{\"execution_id\": \"" + id + "\"}' ";
        List<JsonNode> fromCli = jsonStream(run(ctl + "watch " + id + " -o json"));
        assertEquals(jsonStream(run(grpc + request + address + "WatchExecution")), fromCli);
        assertTrue(fromCli.size() > 3 && fromCli.get(0).has("event"), fromCli::toString);
        assertEquals(json(run(grpc + request + address + "GetExecution")),
                json(run(ctl + "get " + id + " -o json")));
        // What the CLI prints as a state, --state takes.
        String state = json(run(ctl + "get " + id + " -o json")).path("execution").path("state").asText();
        JsonNode listed = json(run(ctl + "executions --app hello-world --state " + state + " -o json"));
        assertTrue(listed.path("executions").findValuesAsText("executionId").contains(id), listed::toString);
    }

    private static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }

    private static List<JsonNode> jsonStream(String text) throws IOException {
        List<JsonNode> values = new ArrayList<>();
        try (MappingIterator<JsonNode> all = JSON.readerFor(JsonNode.class).readValues(text)) {
            all.forEachRemaining(values::add);
        }
        return values;
    }

    @Test
    void theMatcherTellsAbbreviationsFromDifferences() throws Exception {
        String actual = "{\"execution\": {\"executionId\": \"849dbb39-1111-2222-3333-444455556666\", \"state\": \"S\", \"kind\": \"K\"}}";
        assertTrue(compare(List.of("{ \"execution\": { \"executionId\": \"0000aaaa-…\", \"kind\": \"K\", ... } }"), actual).isEmpty());
        assertTrue(compare(List.of("{ \"execution\": { \"executionId\": \"0000aaaa-…\", \"kind\": \"K\" } }"), actual).isPresent(),
                "without ... every member must be shown");
        assertTrue(compare(List.of("{ \"execution\": { \"kind\": \"X\", ... } }"), actual).isPresent());
        assertTrue(compare(List.of("{ \"n\": [1, ..., 4] }", "...", "{ \"n\": [] }"),
                "{\"n\": [1, 2, 3, 4]}\n{\"n\": [5]}\n{\"n\": []}").isEmpty());
        assertTrue(compare(List.of("{ \"n\": [1, 4] }"), "{\"n\": [1, 2, 3, 4]}").isPresent());
        assertTrue(compare(List.of("a", "b …"), "a\nb c d\n").isEmpty());
        assertTrue(compare(List.of("a", "b"), "a\nb\nc\n").isPresent());
    }

    static List<Command> parse(List<String> lines) {
        List<Command> commands = new ArrayList<>();
        boolean skipNext = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (NOT_RUN.matcher(line.strip()).matches()) {
                skipNext = true;
                continue;
            }
            if (!line.strip().equals("```console")) {
                if (!line.isBlank()) {
                    skipNext = false;
                }
                continue;
            }
            List<String> block = new ArrayList<>();
            int start = i + 1;
            for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
                block.add(lines.get(i));
            }
            if (skipNext) {
                skipNext = false;
                continue;
            }
            for (int j = 0; j < block.size(); j++) {
                if (!block.get(j).startsWith("$ ")) {
                    continue;
                }
                int commandLine = start + j + 1;
                StringBuilder text = new StringBuilder(block.get(j).substring(2));
                while (text.toString().endsWith("\\") && j + 1 < block.size()) {
                    text.setLength(text.length() - 1);
                    text.append(' ').append(block.get(++j).strip());
                }
                List<String> expected = new ArrayList<>();
                for (; j + 1 < block.size() && !block.get(j + 1).startsWith("$ "); j++) {
                    expected.add(block.get(j + 1));
                }
                if (text.toString().matches("(?s).*(^|\\|\\s*)grpcurl .*")) {
                    commands.add(new Command(commandLine, text.toString().strip(), trim(expected)));
                }
            }
        }
        return commands;
    }

    private static String run(String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("did not finish within 60 s: " + command);
        }
        return new String(output, StandardCharsets.UTF_8);
    }

    /** Why the output is not what the README shows, if it is not. */
    static Optional<String> compare(List<String> expected, String output) throws IOException {
        List<String> actualLines = trim(output.lines().toList());
        if (expected.isEmpty() || actualLines.isEmpty()) {
            return expected.isEmpty() == actualLines.isEmpty() ? Optional.empty() : Optional.of("expected output differs in presence");
        }
        String first = expected.get(0).strip();
        if (first.startsWith("{") || first.startsWith("[")) {
            List<JsonNode> actual = new ArrayList<>();
            try (MappingIterator<JsonNode> values = JSON.readerFor(JsonNode.class).readValues(output)) {
                values.forEachRemaining(actual::add);
            } catch (JsonProcessingException e) {
                return Optional.of("the output is not JSON: " + e.getOriginalMessage());
            }
            return matchSequence(patterns(expected), actual) ? Optional.empty() : Optional.of("the JSON differs");
        }
        return matchLines(expected, actualLines) ? Optional.empty() : Optional.of("the lines differ");
    }

    /** The README's messages: each a JSON pattern, or null for a line of {@code ...} (any number of messages). */
    private static List<JsonNode> patterns(List<String> expected) throws IOException {
        List<JsonNode> patterns = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String line : expected) {
            if (pending.isEmpty() && isEllipsis(line.strip())) {
                patterns.add(null);
                continue;
            }
            pending.append(line).append('\n');
            String candidate = withPlaceholders(pending.toString());
            if (balanced(candidate)) {
                patterns.add(JSON.readTree(candidate));
                pending.setLength(0);
            }
        }
        if (!pending.toString().isBlank()) {
            throw new AssertionError("unbalanced JSON in README.md: " + pending);
        }
        return patterns;
    }

    private static boolean isEllipsis(String text) {
        return text.equals("...") || text.equals("…");
    }

    /** Replaces each bare {@code ...} outside strings with a member or element that stands for "more of these". */
    private static String withPlaceholders(String text) {
        StringBuilder out = new StringBuilder();
        List<Character> open = new ArrayList<>();
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                out.append(c);
                if (c == '\\' && i + 1 < text.length()) {
                    out.append(text.charAt(++i));
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            int ellipsis = text.startsWith("...", i) ? 3 : text.startsWith("…", i) ? 1 : 0;
            if (ellipsis > 0 && !open.isEmpty()) {
                boolean inObject = open.get(open.size() - 1) == '{';
                out.append(inObject ? "\"" + MORE + "\": null" : "\"" + MORE + "\"");
                i += ellipsis - 1;
                continue;
            }
            if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                open.add(c);
            } else if ((c == '}' || c == ']') && !open.isEmpty()) {
                open.remove(open.size() - 1);
            }
            out.append(c);
        }
        return out.toString();
    }

    private static boolean balanced(String text) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        return depth == 0 && !text.isBlank();
    }

    private static boolean matchSequence(List<JsonNode> patterns, List<JsonNode> actual) {
        if (patterns.isEmpty()) {
            return actual.isEmpty();
        }
        JsonNode first = patterns.get(0);
        if (first == null || first.isTextual() && first.asText().equals(MORE)) {
            for (int skip = 0; skip <= actual.size(); skip++) {
                if (matchSequence(patterns.subList(1, patterns.size()), actual.subList(skip, actual.size()))) {
                    return true;
                }
            }
            return false;
        }
        return !actual.isEmpty() && matchValue(first, actual.get(0))
                && matchSequence(patterns.subList(1, patterns.size()), actual.subList(1, actual.size()));
    }

    private static boolean matchValue(JsonNode pattern, JsonNode actual) {
        if (pattern.isObject()) {
            if (!actual.isObject()) {
                return false;
            }
            boolean more = pattern.has(MORE);
            for (Iterator<Map.Entry<String, JsonNode>> fields = pattern.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!field.getKey().equals(MORE) && (!actual.has(field.getKey()) || !matchValue(field.getValue(), actual.get(field.getKey())))) {
                    return false;
                }
            }
            return more || actual.size() == pattern.size();
        }
        if (pattern.isArray()) {
            if (!actual.isArray()) {
                return false;
            }
            List<JsonNode> patterns = new ArrayList<>();
            pattern.forEach(patterns::add);
            List<JsonNode> values = new ArrayList<>();
            actual.forEach(values::add);
            return matchSequence(patterns, values);
        }
        if (pattern.isTextual() && actual.isTextual()) {
            return actual.asText().matches(textRegex(pattern.asText()));
        }
        return pattern.equals(actual);
    }

    private static boolean matchLines(List<String> expected, List<String> actual) throws IOException {
        if (expected.isEmpty()) {
            return actual.isEmpty();
        }
        String first = normalize(expected.get(0));
        if (isEllipsis(first)) {
            for (int skip = 0; skip <= actual.size(); skip++) {
                if (matchLines(expected.subList(1, expected.size()), actual.subList(skip, actual.size()))) {
                    return true;
                }
            }
            return false;
        }
        if (actual.isEmpty()) {
            return false;
        }
        Matcher expectedDetail = DETAIL.matcher(expected.get(0));
        Matcher actualDetail = DETAIL.matcher(actual.get(0));
        boolean same = expectedDetail.matches()
                ? actualDetail.matches() && expectedDetail.group(1).equals(actualDetail.group(1))
                        && matchValue(JSON.readTree(withPlaceholders(expectedDetail.group(2))), JSON.readTree(actualDetail.group(2)))
                : normalize(actual.get(0)).matches(textRegex(first));
        return same && matchLines(expected.subList(1, expected.size()), actual.subList(1, actual.size()));
    }

    private static String normalize(String line) {
        return line.strip().replaceAll("\\s+", " ");
    }

    /** {@code …} for any text, an abbreviated execution id for any execution id, everything else literally. */
    private static String textRegex(String text) {
        StringBuilder regex = new StringBuilder();
        Matcher id = SHORT_ID.matcher(text);
        int from = 0;
        while (id.find()) {
            regex.append(anyText(text.substring(from, id.start()))).append(UUID);
            from = id.end();
        }
        return regex.append(anyText(text.substring(from))).toString();
    }

    private static String anyText(String text) {
        StringBuilder regex = new StringBuilder();
        int from = 0;
        for (int at = text.indexOf('…'); at >= 0; at = text.indexOf('…', from)) {
            regex.append(Pattern.quote(text.substring(from, at))).append(".*");
            from = at + 1;
        }
        return regex.append(Pattern.quote(text.substring(from))).toString();
    }

    private static Optional<String> executionId(String output) {
        Matcher id = Pattern.compile("\"executionId\":\\s*\"(" + UUID + ")\"").matcher(output);
        return id.find() ? Optional.of(id.group(1)) : Optional.empty();
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

    static Optional<Path> findGrpcurl() {
        String configured = System.getenv("GRPCURL");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        return onPath("grpcurl").or(() -> Optional.of(Path.of("../shared/tools/grpcurl").toAbsolutePath().normalize())
                .filter(Files::isExecutable));
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(java.io.File.pathSeparator)).map(dir -> Path.of(dir, program)).filter(Files::isExecutable).findFirst();
    }
}
