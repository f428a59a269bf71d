package io.innominatus.steps.tools;

import com.fasterxml.jackson.databind.JsonNode;
import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepExecutor;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ansible}: runs {@code ansible-playbook} on {@code config.playbook} (relative to the workflow file)
 * against {@code config.inventory} (an inline host list such as the default {@code localhost,}, which runs
 * with {@code --connection=local}, or an inventory file relative to the workflow file). {@code config.extraVars}
 * reach Ansible as a JSON file ({@code --extra-vars @file}) in a private temporary directory. A dry run
 * is Ansible's check mode ({@code --check --diff}). The step fails when any host fails or is unreachable,
 * naming those hosts from the PLAY RECAP.
 */
@ApplicationScoped
public class AnsibleStepExecutor implements StepExecutor {

    static final String LOCALHOST = "localhost,";
    private static final Pattern RECAP = Pattern.compile(
            "^(\\S+)\\s*:\\s*ok=(\\d+)\\s+changed=(\\d+)\\s+unreachable=(\\d+)\\s+failed=(\\d+)(?:\\s+skipped=(\\d+))?.*$");
    private static final Pattern FATAL = Pattern.compile("^fatal: \\[([^]]+)]: (FAILED|UNREACHABLE)! => (.*)$");
    private static final int FATAL_SHOWN = 3;

    /** One host's line of the PLAY RECAP. */
    record HostRecap(String host, int ok, int changed, int unreachable, int failed, int skipped) {}

    @Override
    public String type() {
        return "ansible";
    }

    @Override
    public StepResult run(StepContext context, StepMode mode) {
        boolean dryRun = mode.dryRun();
        Path base = context.workflowDirectory().orElseThrow(() -> new StepFailure(
                "ansible steps need a workflow directory to find config.playbook; this workflow has none"));
        String playbookName = context.requiredString("playbook");
        Path playbook = ExecStepExecutor.inside(base, playbookName, "config.playbook");
        if (!Files.isRegularFile(playbook)) {
            throw new StepFailure("playbook '" + playbookName + "' does not exist");
        }
        String inventory = context.string("inventory").filter(s -> !s.isBlank()).orElse(LOCALHOST).trim();
        String inventoryArgument = inventory;
        if (!inventory.contains(",")) {
            Path file = ExecStepExecutor.inside(base, inventory, "config.inventory");
            if (!Files.exists(file)) {
                throw new StepFailure("inventory '" + inventory + "' does not exist (write a host list such as '"
                        + LOCALHOST + "' with a trailing comma, or a path relative to the workflow file)");
            }
            inventoryArgument = file.toString();
        }
        Map<String, String> env = CliTools.environment(context);
        env.putIfAbsent("ANSIBLE_NOCOLOR", "1");
        env.putIfAbsent("ANSIBLE_FORCE_COLOR", "0");
        env.putIfAbsent("ANSIBLE_RETRY_FILES_ENABLED", "0");
        env.putIfAbsent("PYTHONUNBUFFERED", "1");
        Path binary = CliTools.binary(context, "ansible-playbook", env,
                "install it (Debian/Ubuntu: apt-get install ansible; elsewhere: pip install ansible-core)");
        Map<String, Object> extraVars = context.map("extraVars");
        CliTools.registerCredentials(context, extraVars);

        List<String> command = new ArrayList<>(List.of(binary.toString(), "-i", inventoryArgument));
        if (inventory.equals(LOCALHOST)) {
            command.add("--connection=local");
        }
        Path varsDirectory = null;
        try {
            if (!extraVars.isEmpty()) {
                varsDirectory = CliTools.privateTempDirectory("innominatus-ansible-");
                command.add("--extra-vars");
                command.add("@" + CliTools.writeJson(varsDirectory, "extra-vars.json", extraVars));
            }
            if (dryRun) {
                command.add("--check");
                command.add("--diff");
            }
            command.add(playbook.toString());
            context.log((dryRun ? "dry run (check mode): " : "") + "running ansible-playbook " + playbookName
                    + " on " + inventory + (extraVars.isEmpty() ? "" : " with extra vars " + extraVars.keySet()));
            ProcessRunner.Outcome outcome = ProcessRunner.run(context, command, env, playbook.getParent(), null, true, true);
            List<HostRecap> recap = recap(outcome.stdout());
            if (outcome.exitCode() != 0) {
                throw failure(outcome, recap);
            }
            Map<String, String> outputs = new LinkedHashMap<>();
            if (dryRun) {
                outputs.put("dryRun", "true");
            }
            outputs.put("hosts", String.join(",", recap.stream().map(HostRecap::host).toList()));
            outputs.put("ok", Integer.toString(recap.stream().mapToInt(HostRecap::ok).sum()));
            outputs.put("changed", Integer.toString(recap.stream().mapToInt(HostRecap::changed).sum()));
            outputs.put("failed", Integer.toString(recap.stream().mapToInt(HostRecap::failed).sum()));
            outputs.put("unreachable", Integer.toString(recap.stream().mapToInt(HostRecap::unreachable).sum()));
            outputs.put("skipped", Integer.toString(recap.stream().mapToInt(HostRecap::skipped).sum()));
            return StepResult.of(outputs);
        } finally {
            if (varsDirectory != null) {
                ExecStepExecutor.deleteQuietly(varsDirectory);
            }
        }
    }

    /** The hosts of the (last) PLAY RECAP block. */
    static List<HostRecap> recap(List<String> stdout) {
        List<HostRecap> hosts = new ArrayList<>();
        boolean inRecap = false;
        for (String line : stdout) {
            if (line.startsWith("PLAY RECAP")) {
                inRecap = true;
                hosts.clear();
                continue;
            }
            if (!inRecap) {
                continue;
            }
            Matcher m = RECAP.matcher(line.strip());
            if (m.matches()) {
                hosts.add(new HostRecap(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                        Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                        m.group(6) == null ? 0 : Integer.parseInt(m.group(6))));
            } else if (!line.isBlank()) {
                inRecap = false;
            }
        }
        return hosts;
    }

    private static StepFailure failure(ProcessRunner.Outcome outcome, List<HostRecap> recap) {
        List<String> failed = recap.stream().filter(h -> h.failed() > 0).map(HostRecap::host).toList();
        List<String> unreachable = recap.stream().filter(h -> h.unreachable() > 0).map(HostRecap::host).toList();
        if (failed.isEmpty() && unreachable.isEmpty()) {
            // No host failed: Ansible itself stopped (syntax error, missing role, bad option); its reason is on stderr.
            return outcome.stderrTail().stream().filter(l -> l.startsWith("ERROR!")).findFirst()
                    .map(error -> new StepFailure("ansible-playbook exited with code " + outcome.exitCode() + ": "
                            + shorten(error)))
                    .orElseGet(() -> CliTools.exitFailure("ansible-playbook", outcome));
        }
        StringBuilder message = new StringBuilder("ansible-playbook exited with code " + outcome.exitCode());
        if (!failed.isEmpty()) {
            message.append("; failed hosts: ").append(String.join(", ", failed));
        }
        if (!unreachable.isEmpty()) {
            message.append("; unreachable hosts: ").append(String.join(", ", unreachable));
        }
        List<String> reasons = new ArrayList<>();
        for (String line : outcome.stdout()) {
            Matcher m = FATAL.matcher(line);
            if (m.matches() && reasons.size() < FATAL_SHOWN) {
                reasons.add(m.group(1) + ": " + fatalMessage(m.group(3)));
            }
        }
        if (!reasons.isEmpty()) {
            message.append(" (").append(String.join("; ", reasons)).append(")");
        }
        return new StepFailure(message.toString());
    }

    private static String fatalMessage(String json) {
        try {
            JsonNode node = OutputFiles.JSON.readTree(json);
            if (node.hasNonNull("msg")) {
                return shorten(node.get("msg").asText());
            }
        } catch (IOException ignored) {
            // Not JSON (another callback plugin): show the text as it is.
        }
        return shorten(json);
    }

    private static String shorten(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
