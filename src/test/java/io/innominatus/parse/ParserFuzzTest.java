package io.innominatus.parse;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.innominatus.model.Diagnostic;
import io.innominatus.score.ScoreParser;
import io.innominatus.support.YamlLoader;
import io.innominatus.support.YamlNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Property-based fuzzing of every parser that reads YAML from outside: the YAML loader, the workflow
 * parser, the Score parser, the admin-config parser and the provisioners parser. Each run feeds them at
 * least {@value #DEFAULT_INPUTS} generated inputs in total — mutations of the real documents (test
 * fixtures, the bundled catalog, the Score conformance corpus) and random structure (deep nesting,
 * anchors and aliases, huge scalars, tags, control characters, unpaired surrogates) — and checks the
 * properties every answer must have:
 * <ul>
 * <li>no exception or error escapes a parser;</li>
 * <li>every diagnostic has a code, a message without Java class names or stack traces, the file it was
 * given, and a line and column inside the input (only whole-file problems such as an empty or oversized
 * document have none);</li>
 * <li>parsing is bounded: the report never exceeds the documented caps, the node tree never exceeds the
 * node and depth limits, a workflow never has more than the step limit, and the same input always gives
 * the same report.</li>
 * </ul>
 * Cases derive from one seed, printed every run: a fixed one by default, so that the build is
 * reproducible, {@code -Dinnominatus.fuzz.seed=random} for a new one, or any number. A failure is reproduced with that seed and its case number ({@code -Dinnominatus.fuzz.case=...}); failing inputs
 * and the slowest input are written to {@code target/fuzz/}. Nothing here asserts on time.
 */
class ParserFuzzTest {

    static final int DEFAULT_INPUTS = 100_000;
    private static final int INPUTS = Integer.getInteger("innominatus.fuzz.inputs", DEFAULT_INPUTS);
    /** The seed of the build; it covers inputs that once found defects (a lone carriage return, for one). */
    static final long DEFAULT_SEED = 23_672_973_338_258L;
    private static final long SEED = seed(System.getProperty("innominatus.fuzz.seed", ""));
    private static final long ONLY_CASE = Long.getLong("innominatus.fuzz.case", -1L);
    private static final Path OUT = Path.of("target/fuzz");
    private static final Set<String> WHOLE_FILE_CODES = Set.of("DOCUMENT_TOO_LARGE", "EMPTY_DOCUMENT");
    private static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9_]*");
    /** A qualified Java class name, or an exception type, as a stack trace or toString() would show it. */
    private static final Pattern CLASS_NAME = Pattern.compile(
            "\\b(?:java|javax|jakarta|sun|com|org|io|dev|net)\\.[a-z0-9_]+(?:\\.[A-Za-z0-9_$]+)+|\\b[A-Z]\\w*(?:Exception|Error)\\b");
    /** The most diagnostics one parse may return: the shared cap, one note per document, the loader's own. */
    private static final int MAX_REPORT = DocumentReader.MAX_DIAGNOSTICS + YamlLoader.MAX_DOCUMENTS
            + DocumentReader.MAX_DIAGNOSTICS + 2;

    /** One parser under test: its name and how it turns text into diagnostics (checking its own extras). */
    private record Target(String name, Function<String, List<Diagnostic>> parse) {}

    private record Failure(long caseNumber, String target, String problem, String input) {}

    private record Corpus(List<String> workflows, List<String> scores, List<String> admins, List<String> provisioners,
            List<String> all) {}

    private final Corpus corpus = loadCorpus();
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong slowestNanos = new AtomicLong();
    private volatile String slowestInput = "";
    private volatile String slowestTarget = "";

    private final Target yaml = new Target("YamlLoader", text -> {
        YamlLoader.Result result = YamlLoader.load(text, "fuzz.yaml");
        for (YamlNode document : result.documents()) {
            int[] nodes = {0};
            int depth = depth(document, nodes);
            check(depth <= YamlLoader.Limits.DEFAULT.maxDepth() + 1, "tree deeper than the nesting limit: " + depth);
            check(nodes[0] <= YamlLoader.Limits.DEFAULT.maxNodes() + 1, "tree larger than the node limit: " + nodes[0]);
        }
        check(result.documents().size() <= YamlLoader.MAX_DOCUMENTS, "more documents than the limit");
        return result.diagnostics();
    });
    private final Target workflow = new Target("WorkflowParser", text -> {
        List<Diagnostic> all = new ArrayList<>();
        for (WorkflowParser.ParsedDocument document : WorkflowParser.parse(text, new WorkflowParser.Source("fuzz.yaml", null,
                "ecommerce", Path.of("workflows/products/ecommerce"), Map.of("dnsDomain", "apps.test")),
                YamlLoader.Limits.DEFAULT)) {
            all.addAll(document.diagnostics());
            document.workflow().ifPresent(w -> {
                check(w.steps().size() <= StepReader.MAX_STEPS, "workflow with " + w.steps().size() + " steps");
                if (!Diagnostic.anyError(document.diagnostics())) {
                    check(!w.name().isEmpty(), "a valid workflow without a name");
                }
            });
        }
        return all;
    });
    private final Target score = new Target("ScoreParser", text -> {
        ScoreParser.Result result = ScoreParser.parse(text, "score.yaml");
        check(result.workload().isEmpty() || !result.hasErrors(), "a workload returned together with errors");
        return result.diagnostics();
    });
    private final Target admin = new Target("AdminConfigParser", text -> AdminConfigParser.parse(text, "admin-config.yaml",
            Path.of("."), YamlLoader.Limits.DEFAULT).diagnostics());
    private final Target provisioners = new Target("ProvisionersParser", text -> ProvisionersParser.parseProductFile(text,
            "products/ecommerce/provisioners.yaml", "ecommerce", Path.of("workflows/products/ecommerce"),
            YamlLoader.Limits.DEFAULT).diagnostics());

    private static long seed(String property) {
        if (property.isBlank()) {
            return DEFAULT_SEED;
        }
        return property.equals("random") ? System.nanoTime() : Long.parseLong(property.strip());
    }

    @Test
    void parsersAnswerEveryGeneratedInputWithCleanPositionedDiagnostics() throws Exception {
        System.out.printf("parser fuzz: seed %d (-Dinnominatus.fuzz.seed=%d), %d inputs%n", SEED, SEED, INPUTS);
        long started = System.nanoTime();
        if (ONLY_CASE >= 0) {
            runCase(ONLY_CASE);
        } else {
            int workers = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
            ExecutorService pool = Executors.newFixedThreadPool(workers);
            List<Future<?>> running = new ArrayList<>();
            AtomicLong next = new AtomicLong();
            for (int w = 0; w < workers; w++) {
                running.add(pool.submit(() -> {
                    long caseNumber;
                    while (total() < INPUTS && failures.size() < 20) {
                        caseNumber = next.getAndIncrement();
                        runCase(caseNumber);
                    }
                }));
            }
            for (Future<?> future : running) {
                future.get();
            }
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
        long elapsed = System.nanoTime() - started;
        System.out.printf("parser fuzz: %d inputs in %.1f s: %s%n", total(), elapsed / 1e9, counts);
        System.out.printf("parser fuzz: slowest input %.1f ms in %s (%d characters, written to %s)%n",
                slowestNanos.get() / 1e6, slowestTarget, slowestInput.length(), OUT.resolve("slowest.yaml"));
        write("slowest.yaml", slowestInput);
        if (!failures.isEmpty()) {
            StringBuilder report = new StringBuilder(failures.size() + " failing input(s), seed " + SEED + ":\n");
            synchronized (failures) {
                for (Failure f : failures) {
                    String file = "failure-" + f.caseNumber() + "-" + f.target() + ".yaml";
                    write(file, f.input());
                    report.append("  case ").append(f.caseNumber()).append(" (").append(f.target()).append("): ")
                            .append(f.problem()).append(" — input in ").append(OUT.resolve(file)).append('\n');
                }
                Failure first = failures.get(0);
                String smallest = shrink(first);
                write("failure-" + first.caseNumber() + "-shrunk.yaml", smallest);
                report.append("smallest input found for the first failure:\n").append(smallest);
            }
            fail(report.toString());
        }
        if (ONLY_CASE < 0) {
            assertTrue(total() >= INPUTS, "only " + total() + " inputs were run");
        }
    }

    private long total() {
        return counts.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Generates case {@code n} and feeds it to its parsers. */
    private void runCase(long n) {
        SplittableRandom random = new SplittableRandom(SEED ^ (n * 0x9E3779B97F4A7C15L));
        int kind = random.nextInt(10);
        String input;
        List<Target> targets = new ArrayList<>();
        if (kind < 6) {
            int which = random.nextInt(4);
            List<String> source = switch (which) {
                case 0 -> corpus.workflows();
                case 1 -> corpus.scores();
                case 2 -> corpus.admins();
                default -> corpus.provisioners();
            };
            input = HostileYaml.mutate(random, HostileYaml.pick(random, source), HostileYaml.pick(random, corpus.all()));
            targets.add(switch (which) {
                case 0 -> workflow;
                case 1 -> score;
                case 2 -> admin;
                default -> provisioners;
            });
        } else if (kind < 8) {
            input = HostileYaml.workflow(random);
            if (random.nextBoolean()) {
                input = HostileYaml.mutate(random, input, HostileYaml.pick(random, corpus.all()));
            }
            targets.add(workflow);
        } else {
            input = HostileYaml.structure(random);
            targets.add(yaml);
        }
        if (random.nextInt(4) == 0) {
            List<Target> all = List.of(yaml, workflow, score, admin, provisioners);
            targets.add(all.get(random.nextInt(all.size())));
        }
        for (Target target : targets) {
            String problem = examine(target, input, random.nextInt(100) == 0);
            counts.computeIfAbsent(target.name(), k -> new AtomicLong()).incrementAndGet();
            if (problem != null) {
                failures.add(new Failure(n, target.name(), problem, input));
            }
        }
    }

    /** Runs one parser on one input; the description of the first property it breaks, or null. */
    private String examine(Target target, String input, boolean twice) {
        long start = System.nanoTime();
        List<Diagnostic> diagnostics;
        try {
            diagnostics = target.parse().apply(input);
        } catch (PropertyViolation e) {
            return e.getMessage();
        } catch (Throwable e) {
            return "threw " + e;
        }
        long took = System.nanoTime() - start;
        if (took > slowestNanos.get()) {
            synchronized (this) {
                if (took > slowestNanos.get()) {
                    slowestNanos.set(took);
                    slowestInput = input;
                    slowestTarget = target.name();
                }
            }
        }
        String problem = checkDiagnostics(diagnostics, input);
        if (problem == null && twice) {
            List<Diagnostic> again = target.parse().apply(input);
            if (!again.equals(diagnostics)) {
                problem = "the same input gave a different report the second time";
            }
        }
        return problem;
    }

    static String checkDiagnostics(List<Diagnostic> diagnostics, String input) {
        if (diagnostics.size() > MAX_REPORT) {
            return diagnostics.size() + " diagnostics, more than the cap of " + MAX_REPORT;
        }
        List<Integer> lineLengths = null;
        for (Diagnostic d : diagnostics) {
            if (d == null || d.severity() == null || d.code() == null || !CODE.matcher(d.code()).matches()) {
                return "diagnostic without a proper code: " + d;
            }
            if (d.message() == null || d.message().isBlank()) {
                return "diagnostic without a message: " + d;
            }
            Matcher className = CLASS_NAME.matcher(d.message());
            while (className.find()) {
                if (!input.contains(className.group())) {
                    return "message shows a Java name '" + className.group() + "': " + d.message();
                }
            }
            if (d.message().contains("\tat ") || d.message().contains("snakeyaml")) {
                return "message shows internals: " + d.message();
            }
            if (d.fieldPath() == null || d.location() == null || d.location().file() == null
                    || !(d.location().file().equals("fuzz.yaml") || d.location().file().equals("score.yaml")
                            || d.location().file().equals("admin-config.yaml")
                            || d.location().file().equals("products/ecommerce/provisioners.yaml"))) {
                return "diagnostic without its file or field path: " + d;
            }
            int line = d.location().line();
            int column = d.location().column();
            if (line == 0 && column == 0) {
                if (!WHOLE_FILE_CODES.contains(d.code())) {
                    return "diagnostic without a position: " + d;
                }
                continue;
            }
            if (lineLengths == null) {
                lineLengths = lineLengths(input);
            }
            if (line < 1 || line > lineLengths.size() + 1 || column < 1) {
                return "position " + line + ":" + column + " outside the input's " + lineLengths.size() + " lines: " + d;
            }
            int length = line <= lineLengths.size() ? lineLengths.get(line - 1) : 0;
            if (column > length + 1) {
                return "column " + column + " beyond the end of line " + line + " (" + length + " characters): " + d;
            }
        }
        return null;
    }

    /** Line lengths in code points, with line breaks as YAML counts them (CRLF, CR, LF, NEL, LS, PS). */
    static List<Integer> lineLengths(String text) {
        List<Integer> lengths = new ArrayList<>();
        int length = 0;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c == '\r' && i < text.length() && text.charAt(i) == '\n') {
                i++;
                c = '\n';
            }
            if (c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029) {
                lengths.add(length);
                length = 0;
            } else {
                length++;
            }
        }
        lengths.add(length);
        return lengths;
    }

    private static int depth(YamlNode node, int[] nodes) {
        nodes[0]++;
        int deepest = 0;
        if (node instanceof YamlNode.Mapping m) {
            for (YamlNode.Entry e : m.entries()) {
                deepest = Math.max(deepest, depth(e.value(), nodes));
            }
        } else if (node instanceof YamlNode.Sequence s) {
            for (YamlNode item : s.items()) {
                deepest = Math.max(deepest, depth(item, nodes));
            }
        }
        return deepest + 1;
    }

    /** Thrown by a target's own checks. */
    private static final class PropertyViolation extends RuntimeException {
        PropertyViolation(String message) {
            super(message, null, false, false);
        }
    }

    private static void check(boolean condition, String problem) {
        if (!condition) {
            throw new PropertyViolation(problem);
        }
    }

    /** Removes lines, then characters, while the input still breaks a property; bounded attempts. */
    private String shrink(Failure failure) {
        Target target = Stream.of(yaml, workflow, score, admin, provisioners).filter(t -> t.name().equals(failure.target()))
                .findFirst().orElseThrow();
        String current = failure.input();
        int attempts = 0;
        for (int chunk = Math.max(1, current.length() / 2); chunk >= 1 && attempts < 3000; chunk /= 2) {
            for (int at = 0; at < current.length() && attempts < 3000; ) {
                String candidate = current.substring(0, at) + current.substring(Math.min(current.length(), at + chunk));
                attempts++;
                if (!candidate.equals(current) && examine(target, candidate, false) != null) {
                    current = candidate;
                } else {
                    at += chunk;
                }
            }
        }
        return current;
    }

    private static void write(String name, String content) {
        try {
            Files.createDirectories(OUT);
            Files.writeString(OUT.resolve(name), content.replaceAll("[\\uD800-\\uDFFF]", "\uFFFD"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Corpus loadCorpus() {
        List<String> workflows = read(Stream.of("src/test/resources/workflows/valid", "src/test/resources/workflows/invalid",
                "workflows/platform", "workflows/policies", "workflows/products/ecommerce", "workflows/products/analytics",
                "src/test/resources/catalogs/kill/workflows/platform"), p -> !p.getFileName().toString().equals("provisioners.yaml"));
        List<String> scores = read(Stream.of("workflows/examples", "src/test/resources/score", "src/test/resources/score/invalid",
                "../shared/conformance/score"), p -> true);
        List<String> admins = read(Stream.of(".", "src/test/resources/catalogs/engine", "src/test/resources/catalogs/kill"),
                p -> p.getFileName().toString().equals("admin-config.yaml"));
        List<String> provisioners = read(Stream.of("workflows/products/ecommerce"),
                p -> p.getFileName().toString().equals("provisioners.yaml"));
        assertTrue(workflows.size() >= 15, "workflow fixtures not found: " + workflows.size());
        assertTrue(scores.size() >= 20, "Score files (with the conformance corpus) not found: " + scores.size());
        assertTrue(!admins.isEmpty() && !provisioners.isEmpty(), "admin config or provisioners not found");
        List<String> all = new ArrayList<>();
        Stream.of(workflows, scores, admins, provisioners).forEach(all::addAll);
        return new Corpus(workflows, scores, admins, provisioners, all);
    }

    private static List<String> read(Stream<String> directories, java.util.function.Predicate<Path> accept) {
        List<String> texts = new ArrayList<>();
        directories.map(Path::of).filter(Files::isDirectory).forEach(dir -> {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.sorted().toList()) {
                    String name = file.getFileName().toString();
                    if ((name.endsWith(".yaml") || name.endsWith(".yml")) && Files.isRegularFile(file) && accept.test(file)) {
                        texts.add(Files.readString(file));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return texts.stream().filter(Objects::nonNull).toList();
    }
}
