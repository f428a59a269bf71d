package io.innominatus.steps.tools;

import com.fasterxml.jackson.databind.JsonNode;
import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepExecutor;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code security}: scans the workload's container images (from the Score file, or {@code config.images})
 * with a vulnerability scanner, {@code trivy} ({@code config.scanner}; the program can be set with
 * {@code config.binary}), running {@code trivy image --quiet --format json --exit-code 0 <image>} and
 * reading its JSON report. Findings at or above {@code config.severityThreshold} (default {@code HIGH}) fail
 * the step unless {@code config.failOnVulnerabilities} is false. A dry run lists the images and the command.
 */
@ApplicationScoped
public class SecurityScanStepExecutor implements StepExecutor {

    /** Trivy's severities, lowest first. */
    enum Severity { UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL }

    static final List<String> SCANNERS = List.of("trivy");
    private static final int FINDINGS_SHOWN = 5;

    /** One vulnerability of one image. */
    record Finding(String image, String id, String packageName, String installedVersion, Severity severity) {}

    @Override
    public String type() {
        return "security";
    }

    @Override
    public StepResult run(StepContext context, StepMode mode) {
        boolean dryRun = mode.dryRun();
        String scanner = context.string("scanner").filter(s -> !s.isBlank()).orElse("trivy").trim().toLowerCase(Locale.ROOT);
        if (!SCANNERS.contains(scanner)) {
            throw new StepFailure("config.scanner '" + scanner + "' is not supported (supported: " + String.join(", ", SCANNERS)
                    + "); set config.binary to use another trivy program");
        }
        Severity threshold = severity(context.string("severityThreshold").orElse("HIGH"));
        boolean failOnVulnerabilities = context.flag("failOnVulnerabilities", true);
        List<String> images = images(context);
        Map<String, String> env = CliTools.environment(context);
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("images", String.join(",", images));
        outputs.put("threshold", threshold.name());
        if (dryRun) {
            String program = context.string("binary").filter(s -> !s.isBlank()).orElse(scanner);
            for (String image : images) {
                context.log("dry run: would run " + String.join(" ", command(program, image)));
            }
            context.log("dry run: findings at or above " + threshold + (failOnVulnerabilities ? " would fail the step"
                    : " would be reported without failing the step"));
            outputs.put("dryRun", "true");
            return StepResult.of(outputs);
        }
        Path binary = CliTools.binary(context, scanner, env, "install it");
        Map<Severity, Integer> totals = new EnumMap<>(Severity.class);
        List<Finding> blocking = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            String image = images.get(i);
            context.progress(100 * i / images.size(), "scanning " + image);
            context.log("scanning " + image + " with " + scanner);
            ProcessRunner.Outcome outcome = ProcessRunner.run(context, command(binary.toString(), image), env,
                    Path.of(System.getProperty("java.io.tmpdir")), null, true, false);
            if (outcome.exitCode() != 0) {
                throw CliTools.exitFailure(scanner + " scanning " + image, outcome);
            }
            List<Finding> findings = parse(image, String.join("\n", outcome.stdout()), scanner);
            Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
            findings.forEach(f -> counts.merge(f.severity(), 1, Integer::sum));
            counts.forEach((severity, n) -> totals.merge(severity, n, Integer::sum));
            List<Finding> atOrAbove = findings.stream().filter(f -> f.severity().compareTo(threshold) >= 0).toList();
            blocking.addAll(atOrAbove);
            context.log(image + ": " + summary(counts) + "; " + atOrAbove.size() + " at or above " + threshold);
        }
        for (Severity severity : Severity.values()) {
            outputs.put(severity.name().toLowerCase(Locale.ROOT), Integer.toString(totals.getOrDefault(severity, 0)));
        }
        outputs.put("findings", Integer.toString(blocking.size()));
        context.progress(100, "scanned " + images.size() + " image(s)");
        if (!blocking.isEmpty()) {
            List<Finding> top = blocking.stream()
                    .sorted(Comparator.comparing(Finding::severity).reversed().thenComparing(Finding::id)).toList();
            List<String> shown = top.stream().limit(FINDINGS_SHOWN).map(f -> f.id() + " " + f.severity() + " in "
                    + f.packageName() + (f.installedVersion().isEmpty() ? "" : " " + f.installedVersion()) + " (" + f.image() + ")")
                    .toList();
            String message = blocking.size() + " vulnerabilit" + (blocking.size() == 1 ? "y" : "ies") + " at or above "
                    + threshold + " in " + blocking.stream().map(Finding::image).distinct().count() + " image(s): "
                    + String.join(", ", shown) + (blocking.size() > FINDINGS_SHOWN ? ", …" : "");
            if (failOnVulnerabilities) {
                throw new StepFailure(message);
            }
            context.log(message + " (not failing: config.failOnVulnerabilities is false)");
        }
        return StepResult.of(outputs);
    }

    static List<String> command(String program, String image) {
        return List.of(program, "image", "--quiet", "--format", "json", "--exit-code", "0", image);
    }

    private static List<String> images(StepContext context) {
        List<String> images = new ArrayList<>(new LinkedHashSet<>(context.config().containsKey("images")
                ? context.stringList("images") : List.copyOf(context.plan().images().values())));
        images.removeIf(String::isBlank);
        if (images.isEmpty()) {
            throw new StepFailure("no container images to scan: the Score file names none and config.images is empty");
        }
        for (String image : images) {
            // An image reference never starts with '-'; one that does would be read as an option.
            if (image.startsWith("-") || image.chars().anyMatch(Character::isWhitespace)) {
                throw new StepFailure("'" + image + "' is not a container image reference");
            }
        }
        return images;
    }

    static Severity severity(String value) {
        try {
            return Severity.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new StepFailure("config.severityThreshold '" + value + "' is not one of UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL");
        }
    }

    /** The vulnerabilities of a trivy JSON report, each package version counted once per vulnerability. */
    static List<Finding> parse(String image, String json, String scanner) {
        JsonNode report;
        try {
            report = OutputFiles.JSON.readTree(json);
        } catch (IOException e) {
            throw new StepFailure(scanner + " did not print a JSON report for " + image);
        }
        if (report == null || !report.isObject()) {
            throw new StepFailure(scanner + " did not print a JSON report for " + image);
        }
        Map<String, Finding> findings = new LinkedHashMap<>();
        for (JsonNode result : report.path("Results")) {
            for (JsonNode vulnerability : result.path("Vulnerabilities")) {
                String id = vulnerability.path("VulnerabilityID").asText("");
                String pkg = vulnerability.path("PkgName").asText("");
                String installed = vulnerability.path("InstalledVersion").asText("");
                Severity severity;
                try {
                    severity = Severity.valueOf(vulnerability.path("Severity").asText("UNKNOWN").toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    severity = Severity.UNKNOWN;
                }
                findings.putIfAbsent(id + "\u0000" + pkg + "\u0000" + installed, new Finding(image, id, pkg, installed, severity));
            }
        }
        return List.copyOf(findings.values());
    }

    private static String summary(Map<Severity, Integer> counts) {
        if (counts.isEmpty()) {
            return "no vulnerabilities";
        }
        List<String> parts = new ArrayList<>();
        List<Severity> order = new ArrayList<>(List.of(Severity.values()));
        java.util.Collections.reverse(order);
        for (Severity severity : order) {
            if (counts.containsKey(severity)) {
                parts.add(counts.get(severity) + " " + severity);
            }
        }
        return String.join(", ", parts);
    }
}
