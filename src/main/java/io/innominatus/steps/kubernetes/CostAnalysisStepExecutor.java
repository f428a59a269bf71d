package io.innominatus.steps.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepExecutor;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code cost-analysis}: prices the CPU and memory the application's workloads request (replicas ×
 * container requests of its Deployments and StatefulSets) with the price table in admin-config
 * ({@code admin.pricing.cpuCoreMonth}, {@code admin.pricing.memoryGiBMonth}, {@code admin.pricing.currency}),
 * compares it with {@code config.budget}, warns from {@code config.alertThreshold} percent (default 80)
 * and fails over budget when {@code config.enforceLimit} is true.
 */
@ApplicationScoped
public class CostAnalysisStepExecutor implements StepExecutor {

    private static final BigDecimal GIB = BigDecimal.valueOf(1024L * 1024 * 1024);
    private final Deliveries deliveries;

    @jakarta.inject.Inject
    public CostAnalysisStepExecutor(Deliveries deliveries) {
        this.deliveries = deliveries;
    }

    /** Cost analysis on one cluster. */
    public CostAnalysisStepExecutor(KubernetesClient client) {
        this(Deliveries.of(client));
    }

    @Override
    public String type() {
        return "cost-analysis";
    }

    /** The application's requests, their monthly price and how it compares with the budget. */
    record Estimate(BigDecimal cpuCores, BigDecimal memoryGiB, BigDecimal monthlyCost, BigDecimal budget, String currency) {
        BigDecimal percentOfBudget() {
            return budget == null || budget.signum() == 0 ? BigDecimal.ZERO
                    : monthlyCost.multiply(BigDecimal.valueOf(100)).divide(budget, 1, RoundingMode.HALF_UP);
        }
    }

    @Override
    public StepResult run(StepContext context, StepMode mode) {
        return mode.dryRun() ? dryRun(context) : apply(context);
    }

    private StepResult apply(StepContext context) {
        Estimate estimate = estimate(context);
        report(context, estimate);
        if (estimate.budget() != null && estimate.monthlyCost().compareTo(estimate.budget()) > 0
                && context.flag("enforceLimit", false)) {
            throw new StepFailure("estimated monthly cost " + estimate.monthlyCost() + " " + estimate.currency()
                    + " exceeds the budget of " + estimate.budget() + " " + estimate.currency());
        }
        return StepResult.of(outputs(estimate));
    
    }

    private StepResult dryRun(StepContext context) {
        Estimate estimate = estimate(context);
        report(context, estimate);
        context.log("dry run: the budget is reported, not enforced");
        return StepResult.of(outputs(estimate));
    
    }

    private Estimate estimate(StepContext context) {
        Map<String, Object> pricing = pricing(context);
        BigDecimal cpuPrice = number(pricing.get("cpuCoreMonth"), "admin-config admin.pricing.cpuCoreMonth");
        BigDecimal memoryPrice = number(pricing.get("memoryGiBMonth"), "admin-config admin.pricing.memoryGiBMonth");
        String currency = pricing.get("currency") == null ? "USD" : String.valueOf(pricing.get("currency"));
        String namespace = KubernetesStepExecutor.namespace(context);
        BigDecimal[] totals = {BigDecimal.ZERO, BigDecimal.ZERO};
        // Read from the environment's target: the cluster's objects, or the files a repository holds for it.
        Delivery delivery = deliveries.open(context);
        for (var d : delivery.list(io.fabric8.kubernetes.api.model.apps.Deployment.class, namespace)) {
            add(totals, d.getSpec().getReplicas(), d.getSpec().getTemplate().getSpec());
        }
        for (var s : delivery.list(io.fabric8.kubernetes.api.model.apps.StatefulSet.class, namespace)) {
            add(totals, s.getSpec().getReplicas(), s.getSpec().getTemplate().getSpec());
        }
        BigDecimal cost = totals[0].multiply(cpuPrice).add(totals[1].multiply(memoryPrice)).setScale(2, RoundingMode.HALF_UP);
        BigDecimal budget = context.config().get("budget") == null ? null : number(context.config().get("budget"),
                "config.budget");
        return new Estimate(totals[0].setScale(3, RoundingMode.HALF_UP), totals[1].setScale(3, RoundingMode.HALF_UP), cost,
                budget, currency);
    }

    private static void add(BigDecimal[] totals, Integer replicas, PodSpec pod) {
        int count = replicas == null ? 1 : replicas;
        for (Container container : pod.getContainers()) {
            if (container.getResources() == null || container.getResources().getRequests() == null) {
                continue;
            }
            Quantity cpu = container.getResources().getRequests().get("cpu");
            Quantity memory = container.getResources().getRequests().get("memory");
            if (cpu != null) {
                totals[0] = totals[0].add(cpu.getNumericalAmount().multiply(BigDecimal.valueOf(count)));
            }
            if (memory != null) {
                totals[1] = totals[1].add(memory.getNumericalAmount().multiply(BigDecimal.valueOf(count))
                        .divide(GIB, 6, RoundingMode.HALF_UP));
            }
        }
    }

    private static void report(StepContext context, Estimate estimate) {
        context.log("requests: " + estimate.cpuCores() + " CPU cores, " + estimate.memoryGiB() + " GiB memory; estimated "
                + estimate.monthlyCost() + " " + estimate.currency() + " per month"
                + (estimate.budget() == null ? "" : " (" + estimate.percentOfBudget() + "% of the budget of "
                + estimate.budget() + ")"));
        int threshold = context.string("alertThreshold").map(Integer::parseInt).orElse(80);
        if (estimate.budget() != null && estimate.percentOfBudget().compareTo(BigDecimal.valueOf(threshold)) >= 0) {
            context.log("warning: the estimate reaches " + estimate.percentOfBudget() + "% of the budget (alert threshold "
                    + threshold + "%)");
        }
    }

    private static Map<String, String> outputs(Estimate estimate) {
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("cpuCores", estimate.cpuCores().toPlainString());
        outputs.put("memoryGiB", estimate.memoryGiB().toPlainString());
        outputs.put("monthlyCost", estimate.monthlyCost().toPlainString());
        outputs.put("currency", estimate.currency());
        if (estimate.budget() != null) {
            outputs.put("budget", estimate.budget().toPlainString());
            outputs.put("percentOfBudget", estimate.percentOfBudget().toPlainString());
        }
        return outputs;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> pricing(StepContext context) {
        Object pricing = context.plan().admin().get("pricing");
        if (!(pricing instanceof Map<?, ?>)) {
            throw new StepFailure("admin-config has no price table: set admin.pricing.cpuCoreMonth and "
                    + "admin.pricing.memoryGiBMonth");
        }
        return (Map<String, Object>) pricing;
    }

    private static BigDecimal number(Object value, String what) {
        if (value == null) {
            throw new StepFailure(what + " is not set");
        }
        try {
            return new BigDecimal(String.valueOf(value).trim());
        } catch (NumberFormatException e) {
            throw new StepFailure(what + " must be a number, not '" + value + "'");
        }
    }
}
