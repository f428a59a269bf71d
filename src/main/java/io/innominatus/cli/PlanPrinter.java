package io.innominatus.cli;

import io.innominatus.api.workflow.v1.DeploymentPlan;
import io.innominatus.api.workflow.v1.Diagnostic;
import io.innominatus.api.workflow.v1.ExcludedWorkflow;
import io.innominatus.api.workflow.v1.PlannedPhase;
import io.innominatus.api.workflow.v1.PlannedStep;
import io.innominatus.api.workflow.v1.PlannedWorkflow;
import io.innominatus.api.workflow.v1.StepWhen;
import io.innominatus.api.workflow.v1.Violation;
import java.io.PrintWriter;
import java.util.List;

/**
 * Prints a resolved plan for people: per phase its numbered steps {@code name (type)} grouped by workflow,
 * then the excluded workflows with rule id and message, then the violations.
 */
final class PlanPrinter {

    private PlanPrinter() {}

    static void print(PrintWriter out, Style style, DeploymentPlan plan, List<Diagnostic> notes, String candidateId) {
        String product = plan.getProduct().isEmpty() ? "no product" : "product " + plan.getProduct();
        out.println(style.bold("Plan for " + plan.getApplication()) + " (" + product + ") in " + style.bold(plan.getEnvironment())
                + ": " + (plan.getAllowed() ? style.green("allowed") : style.red("BLOCKED")));
        out.println("  delivers to " + Text.orDash(plan.getTarget().getDescription()) + ", namespace "
                + Text.orDash(plan.getNamespace()));
        out.println("  approval " + (plan.getRequiresApproval() ? style.yellow("required") : "not required")
                + ", plan digest " + Text.orDash(plan.getPlanDigest()));
        if (plan.getPhasesCount() == 0) {
            out.println();
            out.println("No workflow runs.");
        }
        for (PlannedPhase phase : plan.getPhasesList()) {
            out.println();
            out.println(style.bold(Text.phase(phase.getPhase())));
            int number = 0;
            for (PlannedWorkflow workflow : phase.getWorkflowsList()) {
                String marks = Text.tier(workflow.getTier()) + (workflow.getParallel() ? ", parallel" : "");
                boolean candidate = workflow.getWorkflowId().equals(candidateId);
                out.println("  " + (candidate ? style.cyan(workflow.getWorkflowId()) + " (candidate, " + marks + ")"
                        : workflow.getWorkflowId() + " (" + marks + ")"));
                for (PlannedStep step : workflow.getStepsList()) {
                    number++;
                    StringBuilder line = new StringBuilder(String.format("  %4d. %s (%s)", number, step.getName(), step.getType()));
                    if (!step.getDependsOnList().isEmpty()) {
                        line.append("  after ").append(String.join(", ", step.getDependsOnList()));
                    }
                    if (step.getWhen() == StepWhen.STEP_WHEN_ON_FAILURE || step.getWhen() == StepWhen.STEP_WHEN_ALWAYS) {
                        line.append("  when ").append(Text.when(step.getWhen()));
                    }
                    out.println(line);
                }
            }
        }
        out.println();
        if (plan.getExcludedCount() == 0) {
            out.println("Excluded workflows: none");
        } else {
            out.println(style.bold("Excluded workflows:"));
            int idWidth = plan.getExcludedList().stream().mapToInt(e -> e.getWorkflowId().length()).max().orElse(0);
            int ruleWidth = plan.getExcludedList().stream().mapToInt(e -> e.getRuleId().length()).max().orElse(0);
            for (ExcludedWorkflow excluded : plan.getExcludedList()) {
                out.println("  " + pad(excluded.getWorkflowId(), idWidth) + "  "
                        + style.yellow(excluded.getRuleId()) + " ".repeat(ruleWidth - excluded.getRuleId().length()) + "  "
                        + excluded.getMessage());
            }
        }
        if (plan.getViolationsCount() == 0) {
            out.println("Violations: none");
        } else {
            out.println(style.bold("Violations:"));
            for (Violation v : plan.getViolationsList()) {
                out.println("  " + violation(style, v));
            }
        }
        List<Diagnostic> errors = notes.stream().filter(PlanPrinter::isError).toList();
        List<Diagnostic> others = notes.stream().filter(d -> !isError(d)).toList();
        if (!errors.isEmpty()) {
            out.println(style.red("Errors:"));
            errors.forEach(d -> out.println(diagnostic(d)));
        }
        if (!others.isEmpty()) {
            out.println(style.bold("Notes:"));
            others.forEach(d -> out.println(diagnostic(d)));
        }
        out.flush();
    }

    static boolean isError(Diagnostic d) {
        return d.getSeverity() == io.innominatus.api.workflow.v1.Severity.SEVERITY_ERROR;
    }

    private static String diagnostic(Diagnostic d) {
        return "  " + Text.severity(d.getSeverity()) + " " + d.getCode() + " " + d.getMessage()
                + (d.getFile().isEmpty() ? "" : " (" + d.getFile() + (d.getLine() > 0 ? ":" + d.getLine() + ":" + d.getColumn()
                : "") + ")");
    }

    static String violation(Style style, Violation v) {
        StringBuilder line = new StringBuilder();
        line.append(v.getBlocking() ? style.red("BLOCKING") : style.yellow("warning")).append(' ').append(v.getRuleId())
                .append("  ").append(v.getMessage());
        String subject = v.getWorkflowId() + (v.getStep().isEmpty() ? "" : "/" + v.getStep());
        if (!subject.isEmpty() || !v.getLocation().isEmpty()) {
            line.append(" [").append(subject);
            if (!v.getLocation().isEmpty()) {
                line.append(subject.isEmpty() ? "" : " at ").append(v.getLocation());
            }
            line.append(']');
        }
        return line.toString();
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    /** Total number of planned steps. */
    static int stepCount(DeploymentPlan plan) {
        return plan.getPhasesList().stream().flatMap(p -> p.getWorkflowsList().stream()).mapToInt(PlannedWorkflow::getStepsCount)
                .sum();
    }
}
