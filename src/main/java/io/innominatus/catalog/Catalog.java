package io.innominatus.catalog;

import io.innominatus.model.AdminConfig;
import io.innominatus.model.Diagnostic;
import io.innominatus.model.PolicyDocument;
import io.innominatus.model.Provisioner;
import io.innominatus.model.Tier;
import io.innominatus.model.WorkflowDefinition;
import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * An immutable snapshot of the admin config and every workflow and policy document, indexed by
 * workflow id. Workflows with definition errors are kept (marked by their diagnostics) so that a
 * deployment that triggers one is blocked instead of silently skipping it.
 */
public final class Catalog {

    private final AdminConfig admin;
    private final List<WorkflowDefinition> workflows;
    private final Map<String, WorkflowDefinition> byId;
    private final List<PolicyDocument> policyDocuments;
    private final List<Provisioner> provisioners;
    private final SortedSet<String> products;
    private final List<Diagnostic> diagnostics;
    private final String digest;
    private final Instant loadedAt;

    /**
     * @param admin the admin config; null when it could not be read, in which case nothing can be planned
     * @param provisioners resource provisioners of admin-config and the product directories, in matching order
     * @param products product directories, including ones without workflows
     * @param diagnostics every problem found while loading, in file order
     * @param digest SHA-256 over the admin config and every catalog file
     */
    public Catalog(AdminConfig admin, List<WorkflowDefinition> workflows, List<PolicyDocument> policyDocuments,
            List<Provisioner> provisioners, SortedSet<String> products, List<Diagnostic> diagnostics, String digest,
            Instant loadedAt) {
        this.admin = admin;
        this.workflows = workflows.stream().sorted(Comparator.comparing(WorkflowDefinition::id)).toList();
        Map<String, WorkflowDefinition> index = new LinkedHashMap<>();
        this.workflows.forEach(w -> index.putIfAbsent(w.id(), w));
        this.byId = Collections.unmodifiableMap(index);
        this.policyDocuments = List.copyOf(policyDocuments);
        this.provisioners = List.copyOf(provisioners);
        this.products = Collections.unmodifiableSortedSet(new TreeSet<>(products));
        this.diagnostics = List.copyOf(diagnostics);
        this.digest = digest;
        this.loadedAt = loadedAt;
    }

    public Optional<AdminConfig> admin() {
        return Optional.ofNullable(admin);
    }

    /** Every workflow, ordered by id. */
    public List<WorkflowDefinition> workflows() {
        return workflows;
    }

    public Optional<WorkflowDefinition> workflow(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public List<WorkflowDefinition> platformWorkflows() {
        return workflows.stream().filter(w -> w.tier() == Tier.PLATFORM).toList();
    }

    public List<WorkflowDefinition> productWorkflows(String product) {
        return workflows.stream().filter(w -> w.tier() == Tier.PRODUCT && w.product().equals(product)).toList();
    }

    public List<PolicyDocument> policyDocuments() {
        return policyDocuments;
    }

    /**
     * Resource provisioners in matching order: admin-config's definitions first, then those of product
     * directories (by product). Built-in provisioners come after all of them.
     */
    public List<Provisioner> provisioners() {
        return provisioners;
    }

    public SortedSet<String> products() {
        return products;
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    public boolean hasErrors() {
        return Diagnostic.anyError(diagnostics);
    }

    public long errorCount() {
        return diagnostics.stream().filter(Diagnostic::isError).count();
    }

    public String digest() {
        return digest;
    }

    public Instant loadedAt() {
        return loadedAt;
    }
}
