package io.innominatus.catalog;

import io.innominatus.model.AdminConfig;
import io.innominatus.model.Diagnostic;
import io.innominatus.model.PolicyDocument;
import io.innominatus.model.PolicyRules;
import io.innominatus.model.Provisioner;
import io.innominatus.model.SourceLocation;
import io.innominatus.model.Tier;
import io.innominatus.model.WorkflowDefinition;
import io.innominatus.parse.AdminConfigParser;
import io.innominatus.parse.ProvisionersParser;
import io.innominatus.parse.WorkflowParser;
import io.innominatus.support.PathRules;
import io.innominatus.support.YamlLoader;
import io.innominatus.support.YamlNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Reads {@code admin-config.yaml} and the catalog below its {@code workflowsRoot}:
 * {@code platform/*.yaml}, {@code products/<product>/*.yaml} and {@code policies/*.yaml}. Every file
 * is read; problems are collected as diagnostics instead of aborting the load.
 */
public final class CatalogLoader {

    /** Files in a product directory that hold resource provisioners instead of workflows. */
    static final Set<String> RESERVED_PRODUCT_FILES = Set.of("provisioners.yaml", "provisioners.yml");

    private CatalogLoader() {}

    public static Catalog load(Path adminConfigFile, YamlLoader.Limits limits) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        String adminName = adminConfigFile.toString();
        Digest digest = new Digest();
        Optional<String> adminText = read(adminConfigFile, adminName, limits, diagnostics);
        if (adminText.isEmpty()) {
            return new Catalog(null, List.of(), List.of(), List.of(), new TreeSet<>(), diagnostics, digest.hex(), Instant.now());
        }
        digest.add(adminName, adminText.get());
        Path adminDirectory = adminConfigFile.toAbsolutePath().normalize().getParent();
        AdminConfigParser.Result parsedAdmin = AdminConfigParser.parse(adminText.get(), adminName, adminDirectory, limits);
        diagnostics.addAll(parsedAdmin.diagnostics());
        if (parsedAdmin.config().isEmpty()) {
            return new Catalog(null, List.of(), List.of(), List.of(), new TreeSet<>(), diagnostics, digest.hex(), Instant.now());
        }
        AdminConfig admin = parsedAdmin.config().get();
        Path root = admin.workflowsRoot();
        if (!Files.isDirectory(root)) {
            diagnostics.add(Diagnostic.error("CATALOG_ROOT_NOT_FOUND", "workflows root " + root + " is not a directory",
                    SourceLocation.ofFile(adminName), "workflowPolicies.workflowsRoot"));
            return new Catalog(admin, List.of(), List.of(), admin.provisioners(), new TreeSet<>(), diagnostics, digest.hex(),
                    Instant.now());
        }
        List<WorkflowDefinition> workflows = new ArrayList<>();
        List<PolicyDocument> policies = new ArrayList<>();
        List<Provisioner> provisioners = new ArrayList<>(admin.provisioners());
        TreeSet<String> products = new TreeSet<>();

        for (Path file : yamlFiles(root.resolve("platform"))) {
            loadFile(root, file, WorkflowParser.PLATFORM_KIND, null, admin, limits, digest, diagnostics, workflows, policies);
        }
        for (Path productDirectory : directories(root.resolve("products"))) {
            String product = productDirectory.getFileName().toString();
            if (!io.innominatus.parse.StepReader.NAME.matcher(product).matches()) {
                diagnostics.add(Diagnostic.error("INVALID_NAME", "product directory '" + product + "' must be a "
                        + "lowercase RFC 1123 label", SourceLocation.ofFile(relative(root, productDirectory)), ""));
                continue;
            }
            products.add(product);
            for (Path file : yamlFiles(productDirectory)) {
                if (RESERVED_PRODUCT_FILES.contains(file.getFileName().toString())) {
                    loadProvisioners(root, file, product, admin, limits, digest, diagnostics, provisioners);
                } else {
                    loadFile(root, file, WorkflowParser.PRODUCT_KIND, product, admin, limits, digest, diagnostics,
                            workflows, policies);
                }
            }
        }
        for (Path file : yamlFiles(root.resolve("policies"))) {
            loadFile(root, file, WorkflowParser.POLICIES_KIND, null, admin, limits, digest, diagnostics, workflows, policies);
        }
        List<WorkflowDefinition> unique = dropDuplicates(workflows, diagnostics);
        checkPolicyReferences(admin, policies, unique, diagnostics);
        return new Catalog(admin, unique, policies, provisioners, products, diagnostics, digest.hex(), Instant.now());
    }

    private static void loadProvisioners(Path root, Path file, String product, AdminConfig admin, YamlLoader.Limits limits,
            Digest digest, List<Diagnostic> diagnostics, List<Provisioner> provisioners) {
        String name = relative(root, file);
        Optional<String> text = read(file, name, limits, diagnostics);
        if (text.isEmpty()) {
            return;
        }
        digest.add(name, text.get());
        ProvisionersParser.Result result = ProvisionersParser.parseProductFile(text.get(), name, product,
                file.toAbsolutePath().normalize().getParent(), limits);
        diagnostics.addAll(result.diagnostics());
        for (Provisioner p : result.provisioners()) {
            boolean published = admin.publishedProvisioners().contains(product + "/" + p.type());
            provisioners.add(new Provisioner(p.type(), p.resourceClass(), p.id(), p.product(), published, p.description(),
                    p.builtIn(), p.manifests(), p.outputs(), p.command(), p.steps(), p.deleteSteps(), p.baseDirectory(),
                    p.source()));
        }
    }

    private static void loadFile(Path root, Path file, String kind, String product, AdminConfig admin,
            YamlLoader.Limits limits, Digest digest, List<Diagnostic> diagnostics, List<WorkflowDefinition> workflows,
            List<PolicyDocument> policies) {
        String name = relative(root, file);
        if (!PathRules.staysInside(root, file)) {
            diagnostics.add(Diagnostic.error("PATH_ESCAPE", "file is a link to outside the catalog and was ignored",
                    SourceLocation.ofFile(name), ""));
            return;
        }
        Optional<String> text = read(file, name, limits, diagnostics);
        if (text.isEmpty()) {
            return;
        }
        digest.add(name, text.get());
        if (!catalogDocument(text.get(), name, limits)) {
            diagnostics.add(Diagnostic.note("NOT_A_WORKFLOW", "not a workflow document (no apiVersion workflow.dev/...): "
                    + "kept as a file of the catalog, as playbooks, manifests and scripts next to workflows are",
                    SourceLocation.ofFile(name), ""));
            return;
        }
        Path base = file.toAbsolutePath().normalize().getParent();
        WorkflowParser.Source source = new WorkflowParser.Source(name, kind, product, base, admin.admin());
        for (WorkflowParser.ParsedDocument document : WorkflowParser.parse(text.get(), source, limits)) {
            diagnostics.addAll(document.diagnostics());
            document.workflow().ifPresent(workflows::add);
            document.policy().ifPresent(policies::add);
        }
    }

    /**
     * Whether a file is meant as a catalog document: some document in it is a mapping with an
     * {@code apiVersion} of {@code workflow.dev}, or without any apiVersion but with workflow fields (so a
     * workflow missing its header is still reported). Playbooks (lists) and manifests of other APIs are not.
     * A file that does not parse is, so that its syntax errors are reported.
     */
    private static boolean catalogDocument(String text, String name, YamlLoader.Limits limits) {
        YamlLoader.Result loaded = YamlLoader.load(text, name, limits);
        if (Diagnostic.anyError(loaded.diagnostics()) || loaded.documents().isEmpty()) {
            return true;
        }
        for (YamlNode document : loaded.documents()) {
            if (document instanceof YamlNode.Mapping m) {
                Optional<YamlNode> apiVersion = m.get("apiVersion");
                if (apiVersion.isEmpty()) {
                    if (m.get("kind").isPresent() || m.get("metadata").isPresent() || m.get("spec").isPresent()) {
                        return true;
                    }
                } else if (!(apiVersion.get() instanceof YamlNode.Scalar version)
                        || version.value().startsWith("workflow.dev/")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<WorkflowDefinition> dropDuplicates(List<WorkflowDefinition> workflows, List<Diagnostic> diagnostics) {
        Map<String, WorkflowDefinition> seen = new HashMap<>();
        List<WorkflowDefinition> unique = new ArrayList<>();
        for (WorkflowDefinition workflow : workflows) {
            WorkflowDefinition first = seen.putIfAbsent(workflow.id(), workflow);
            if (first == null) {
                unique.add(workflow);
            } else {
                diagnostics.add(Diagnostic.error("DUPLICATE_WORKFLOW", "workflow '" + workflow.id()
                        + "' is already defined in " + first.sourceFile() + "; this definition is ignored",
                        workflow.location(), "metadata.name"));
            }
        }
        return unique;
    }

    /**
     * Warns about policy entries that name workflows the catalog does not have, and refuses step types
     * policy allows but no executor runs (a registration removed from {@code stepTypes}, typically): the
     * catalog would look fine and then block every deployment that uses them.
     */
    private static void checkPolicyReferences(AdminConfig admin, List<PolicyDocument> documents,
            List<WorkflowDefinition> workflows, List<Diagnostic> diagnostics) {
        List<PolicyRules> all = new ArrayList<>();
        all.add(admin.rules());
        documents.forEach(d -> all.add(d.rules()));
        Set<String> platform = new TreeSet<>();
        Set<String> product = new TreeSet<>();
        for (WorkflowDefinition w : workflows) {
            if (w.tier() == Tier.PLATFORM) {
                platform.add(w.name());
            } else if (w.tier() == Tier.PRODUCT) {
                product.add(w.product() + "/" + w.name());
            }
        }
        for (PolicyRules rules : all) {
            if (rules.requiredPlatformWorkflows() != null) {
                for (String required : rules.requiredPlatformWorkflows()) {
                    if (!platform.contains(required)) {
                        diagnostics.add(Diagnostic.warning("REQUIRED_WORKFLOW_NOT_FOUND", "required platform workflow '"
                                + required + "' is not in the catalog; every deployment will be blocked",
                                SourceLocation.ofFile(rules.source()), "requiredPlatformWorkflows"));
                    }
                }
            }
            if (rules.allowedStepTypes() != null) {
                for (String allowed : rules.allowedStepTypes()) {
                    if (!io.innominatus.model.AllowList.isPattern(allowed) && !io.innominatus.model.StepTypes.isBuiltIn(allowed)
                            && !admin.stepTypes().containsKey(allowed)) {
                        List<String> users = workflows.stream().filter(w -> w.steps().stream()
                                .anyMatch(s -> s.type().equals(allowed))).map(WorkflowDefinition::id).toList();
                        diagnostics.add(Diagnostic.error("STEP_EXECUTOR_MISSING", "allowedStepTypes lists step type '"
                                + allowed + "', which no executor runs: it is neither built in nor registered in admin-config "
                                + "stepTypes" + (users.isEmpty() ? "" : "; used by " + String.join(", ", users))
                                + ". Register it in stepTypes or remove it from allowedStepTypes",
                                SourceLocation.ofFile(rules.source()), "allowedStepTypes"));
                    }
                }
            }
            if (rules.allowedProductWorkflows() != null) {
                for (String allowed : rules.allowedProductWorkflows()) {
                    if (!io.innominatus.model.AllowList.isPattern(allowed) && !product.contains(allowed)) {
                        diagnostics.add(Diagnostic.warning("ALLOWED_WORKFLOW_NOT_FOUND", "allowed product workflow '"
                                + allowed + "' is not in the catalog", SourceLocation.ofFile(rules.source()),
                                "allowedProductWorkflows"));
                    }
                }
            }
        }
    }

    /** Reads a file as strict UTF-8 within the size limit. */
    static Optional<String> read(Path file, String name, YamlLoader.Limits limits, List<Diagnostic> diagnostics) {
        try {
            if (!Files.isRegularFile(file)) {
                diagnostics.add(Diagnostic.error("FILE_NOT_FOUND", "file not found: " + file, SourceLocation.ofFile(name), ""));
                return Optional.empty();
            }
            if (Files.size(file) > limits.maxBytes()) {
                diagnostics.add(Diagnostic.error("DOCUMENT_TOO_LARGE", "file exceeds the limit of " + limits.maxBytes()
                        + " bytes", SourceLocation.ofFile(name), ""));
                return Optional.empty();
            }
            byte[] bytes = Files.readAllBytes(file);
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            diagnostics.add(Diagnostic.error("INVALID_ENCODING", "file is not valid UTF-8", SourceLocation.ofFile(name), ""));
        } catch (IOException e) {
            diagnostics.add(Diagnostic.error("FILE_UNREADABLE", "file cannot be read: " + e.getClass().getSimpleName(),
                    SourceLocation.ofFile(name), ""));
        }
        return Optional.empty();
    }

    private static List<Path> yamlFiles(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().endsWith(".yaml") || f.getFileName().toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static List<Path> directories(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    /** SHA-256 over every file name and content, in load order (which is sorted). */
    private static final class Digest {
        private final MessageDigest sha;

        Digest() {
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        void add(String name, String content) {
            sha.update(name.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(content.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
        }

        String hex() {
            try {
                return HexFormat.of().formatHex(((MessageDigest) sha.clone()).digest());
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
