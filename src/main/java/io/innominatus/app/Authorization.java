package io.innominatus.app;

import io.innominatus.model.AllowList;
import io.innominatus.model.DomainException;
import io.innominatus.model.Execution;
import io.innominatus.store.ExecutionStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rules that depend on what a request is about, beyond the caller's role (which the transport checks
 * for every RPC): product ownership, executor groups, access to one execution. Every denial is audited.
 * Access to an execution is decided before its existence is revealed: a caller who may not read it gets
 * the same answer whether or not it exists.
 */
@ApplicationScoped
public class Authorization {

    private final CatalogService catalogs;
    private final ExecutionStore executions;
    private final AuditTrail audit;

    public Authorization(CatalogService catalogs, ExecutionStore executions, AuditTrail audit) {
        this.catalogs = catalogs;
        this.executions = executions;
        this.audit = audit;
    }

    /**
     * Reading, validating and planning what belongs to a product: viewers, and members of the product's team
     * (the owners its workflows name). Without a product, viewers only.
     */
    public void checkProductAccess(Caller caller, String action, String product, String target) {
        if (caller.has(Role.VIEWER)) {
            return;
        }
        Set<String> team = catalogs.active().owners(product);
        if (product != null && !product.isEmpty() && !team.isEmpty() && caller.isAny(team)) {
            return;
        }
        throw deny(caller, action, target, "NOT_PRODUCT_MEMBER", product == null || product.isEmpty()
                ? "this requires the viewer role"
                : "this requires the viewer role or membership of product '" + product + "' (owners: " + String.join(", ", team)
                        + ")", Map.of("product", product == null ? "" : product));
    }

    /** Changing executions: where {@code security.allowedExecutors} is set, only its principals and groups. */
    public void checkExecutor(Caller caller, String action, String target) {
        AllowList executors = catalogs.active().policies().allowedExecutors();
        if (caller.local() || !executors.restricted() || executors.permits(caller.principal())
                || caller.groups().stream().anyMatch(executors::permits)) {
            return;
        }
        throw deny(caller, action, target, "EXECUTOR_NOT_ALLOWED", executors.entries().isEmpty()
                ? "security.allowedExecutors of the policy sources have no entry in common: nobody may deploy"
                : "security.allowedExecutors allows only " + String.join(", ", executors.entries()) + " to deploy", Map.of());
    }

    /** Whether the caller may read every execution, with no check against the execution's product. */
    public boolean readsEveryExecution(Caller caller) {
        return caller.has(Role.VIEWER);
    }

    /**
     * An execution the caller may read: any for viewers; otherwise one of a product whose team the caller
     * belongs to. A missing execution and a forbidden one get the same denial.
     */
    public Optional<Execution> checkExecutionAccess(Caller caller, String action, String executionId) {
        if (readsEveryExecution(caller)) {
            return Optional.empty();
        }
        Optional<Execution> execution = executions.find(executionId);
        String product = execution.map(e -> e.plan().product()).orElse("");
        if (execution.isPresent() && !product.isEmpty() && caller.isAny(catalogs.active().owners(product))) {
            return execution;
        }
        throw deny(caller, action, "execution/" + executionId, "EXECUTION_ACCESS_DENIED", "this requires the viewer role "
                + "or membership of the team of the execution's product", Map.of("execution_id", executionId));
    }

    /**
     * The products whose executions a caller may list: empty for viewers (every product); otherwise those
     * whose team the caller belongs to.
     *
     * @throws DomainException.PermissionDenied when the caller has no role and is in no product's team
     */
    public Optional<Set<String>> readableProducts(Caller caller, String action) {
        if (caller.has(Role.VIEWER)) {
            return Optional.empty();
        }
        var active = catalogs.active();
        Set<String> products = new java.util.TreeSet<>();
        for (String product : active.catalog().products()) {
            if (caller.isAny(active.owners(product))) {
                products.add(product);
            }
        }
        if (products.isEmpty()) {
            throw deny(caller, action, "executions", "ROLE_REQUIRED", action + " requires the viewer role or membership "
                    + "of a product's team; " + caller.principal() + " has neither", Map.of("required_role", Role.VIEWER.id()));
        }
        return Optional.of(products);
    }

    /**
     * Four eyes: whoever requested an execution may not approve or reject it (when identities are known),
     * recognised by the token's {@code sub} rather than by a name that another token may carry too.
     */
    public void checkNotRequester(Caller caller, String action, Execution execution) {
        if (caller.authenticated() && execution.requestedBy(caller.principal(), caller.subject())) {
            boolean rejection = action.equals("RejectExecution");
            throw deny(caller, action, "execution/" + execution.id(), rejection ? "SELF_REJECTION" : "SELF_APPROVAL",
                    "the requester of an execution cannot " + (rejection ? "reject" : "approve") + " it; another approver must",
                    Map.of("execution_id", execution.id()));
        }
    }

    private DomainException.PermissionDenied deny(Caller caller, String action, String target, String reason, String message,
            Map<String, String> metadata) {
        audit.denied(caller, action, target, reason + ": " + message);
        return new DomainException.PermissionDenied(reason, message, metadata);
    }
}
