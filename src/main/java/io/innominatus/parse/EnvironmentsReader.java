package io.innominatus.parse;

import io.innominatus.model.DeliveryTarget;
import io.innominatus.model.EnvironmentDefinition;
import io.innominatus.model.Interpolation;
import io.innominatus.support.EnvironmentReferences;
import io.innominatus.support.PathRules;
import io.innominatus.support.YamlNode.Mapping;
import io.innominatus.support.YamlNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads admin-config's {@code environments:} block: per environment a delivery target, a namespace
 * pattern and whether it needs approval. Credentials must come from {@code ${env:NAME}} or a file, so
 * that none is written into the file, a plan or a log.
 */
final class EnvironmentsReader {

    static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final List<String> ENVIRONMENT_KEYS = List.of("description", "namespace", "requireApproval", "target");
    private static final List<String> TARGET_KINDS = List.of("kubernetes", "gitops");
    private static final List<String> KUBERNETES_KEYS = List.of("server", "token", "certificateAuthority", "context",
            "inCluster");
    private static final List<String> GITOPS_KEYS = List.of("repository", "branch", "path", "username", "password");
    /** What namespace and path patterns may use: values fixed for an application in an environment. */
    static final List<String> PATTERN_VARIABLES = List.of("application.name", "application.product", "environment.name");
    private static final Pattern BRANCH = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,199}");

    private EnvironmentsReader() {}

    static Map<String, EnvironmentDefinition> read(DocumentReader r, Mapping block, Path directory) {
        Map<String, EnvironmentDefinition> environments = new LinkedHashMap<>();
        for (YamlNode.Entry entry : block.entries()) {
            String name = entry.key().value();
            String path = DocumentReader.child("environments", name);
            if (!NAME.matcher(name).matches()) {
                r.error("INVALID_NAME", "environment '" + name + "' must be a lowercase name (a-z, 0-9, '-', at most 63 "
                        + "characters)", entry.key().location(), path);
                continue;
            }
            Optional<Mapping> spec = entry.value() instanceof YamlNode.Scalar s && s.isNull()
                    ? Optional.of(new Mapping(List.of(), entry.value().location()))
                    : r.mapping(entry.value(), path);
            spec.flatMap(m -> environment(r, name, m, path, directory)).ifPresent(e -> environments.put(name, e));
        }
        checkIsolation(r, environments);
        return environments;
    }

    private static Optional<EnvironmentDefinition> environment(DocumentReader r, String name, Mapping m, String path,
            Path directory) {
        r.checkKeys(m, path, ENVIRONMENT_KEYS);
        r.string(m, "description", path, false);
        String namespace = r.string(m, "namespace", path, false).orElse(null);
        if (namespace != null) {
            checkPattern(r, namespace, m.get("namespace").orElseThrow(), path + ".namespace", "namespace");
        }
        boolean approval = r.bool(m, "requireApproval", path, false).orElse(false);
        DeliveryTarget target = null;
        Optional<Mapping> targetSpec = r.field(m, "target", path, false).flatMap(n -> r.mapping(n, path + ".target"));
        if (targetSpec.isPresent()) {
            String targetPath = path + ".target";
            Mapping t = targetSpec.get();
            r.checkKeys(t, targetPath, TARGET_KINDS);
            List<String> kinds = TARGET_KINDS.stream().filter(k -> t.get(k).isPresent()).toList();
            if (kinds.size() != 1) {
                r.error("INVALID_VALUE", "a target needs exactly one of kubernetes and gitops", t.location(), targetPath);
                return Optional.empty();
            }
            String kindPath = targetPath + "." + kinds.get(0);
            Optional<Mapping> kindSpec = r.mapping(t.get(kinds.get(0)).orElseThrow(), kindPath);
            if (kindSpec.isEmpty()) {
                return Optional.empty();
            }
            Optional<? extends DeliveryTarget> read = kinds.get(0).equals("kubernetes")
                    ? kubernetes(r, kindSpec.get(), kindPath, directory)
                    : gitops(r, kindSpec.get(), kindPath);
            if (read.isEmpty()) {
                return Optional.empty();
            }
            target = read.get();
        }
        return Optional.of(new EnvironmentDefinition(name, namespace, approval, target, m.location()));
    }

    private static Optional<DeliveryTarget.Cluster> kubernetes(DocumentReader r, Mapping k, String path, Path directory) {
        r.checkKeys(k, path, KUBERNETES_KEYS);
        Optional<String> server = r.string(k, "server", path, false);
        Optional<String> context = r.string(k, "context", path, false);
        boolean inCluster = r.bool(k, "inCluster", path, false).orElse(false);
        int ways = (server.isPresent() ? 1 : 0) + (context.isPresent() ? 1 : 0) + (inCluster ? 1 : 0);
        if (ways != 1) {
            r.error("INVALID_VALUE", "a kubernetes target needs exactly one of server, context and inCluster: true",
                    k.location(), path);
            return Optional.empty();
        }
        if (server.isPresent() && !server.get().matches("https?://[^\\s/]+(/\\S*)?")) {
            r.error("INVALID_VALUE", "server must be an http:// or https:// URL of the Kubernetes API",
                    k.get("server").orElseThrow().location(), path + ".server");
            return Optional.empty();
        }
        Optional<String> token = r.string(k, "token", path, false);
        if (token.isPresent() && !credential(r, token.get(), k.get("token").orElseThrow(), path + ".token")) {
            return Optional.empty();
        }
        if ((token.isPresent() || k.get("certificateAuthority").isPresent()) && server.isEmpty()) {
            r.error("INVALID_VALUE", "token and certificateAuthority go with server; a kubeconfig context or the "
                    + "in-cluster service account brings its own", k.location(), path);
            return Optional.empty();
        }
        String authority = null;
        Optional<String> ca = r.string(k, "certificateAuthority", path, false);
        if (ca.isPresent()) {
            YamlNode node = k.get("certificateAuthority").orElseThrow();
            if (!PathRules.isUsable(ca.get())) {
                r.error("INVALID_PATH", "certificateAuthority '" + ca.get() + "' is not a usable file name", node.location(),
                        path + ".certificateAuthority");
                return Optional.empty();
            }
            Path file = directory.resolve(ca.get()).normalize();
            if (!Files.isRegularFile(file)) {
                r.warning("FILE_NOT_FOUND", "certificateAuthority " + ca.get() + " does not exist (relative to the admin "
                        + "config's directory); connecting to " + server.get() + " fails until it does", node.location(),
                        path + ".certificateAuthority");
            }
            authority = file.toAbsolutePath().toString();
        }
        return Optional.of(new DeliveryTarget.Cluster(server.orElse(null), token.orElse(null), authority,
                context.orElse(null), inCluster));
    }

    private static Optional<DeliveryTarget.GitOps> gitops(DocumentReader r, Mapping g, String path) {
        r.checkKeys(g, path, GITOPS_KEYS);
        Optional<String> repository = r.string(g, "repository", path, true);
        if (repository.isEmpty()) {
            return Optional.empty();
        }
        YamlNode repositoryNode = g.get("repository").orElseThrow();
        if (!DeliveryTarget.GitOps.isRemote(repository.get()) && !PathRules.isUsable(repository.get())) {
            r.error("INVALID_PATH", "repository '" + repository.get() + "' is neither a URL nor a usable path",
                    repositoryNode.location(), path + ".repository");
            return Optional.empty();
        }
        if (repository.get().matches("^[a-zA-Z][a-zA-Z0-9+.-]*://[^/@]*@.*")) {
            r.error("CREDENTIAL_IN_FILE", "repository URL carries user information (a token or password): give it as "
                    + "username and password: ${env:NAME}",
                    repositoryNode.location(), path + ".repository");
            return Optional.empty();
        }
        String branch = r.string(g, "branch", path, false).orElse("main");
        if (!BRANCH.matcher(branch).matches() || branch.contains("..") || branch.endsWith(".lock")
                || branch.endsWith("/")) {
            r.error("INVALID_VALUE", "branch '" + branch + "' is not a valid branch name", g.get("branch").orElseThrow()
                    .location(), path + ".branch");
            return Optional.empty();
        }
        String targetPath = r.string(g, "path", path, false).orElse(EnvironmentDefinition.DEFAULT_GITOPS_PATH);
        YamlNode pathNode = g.get("path").orElse(g);
        if (!checkPattern(r, targetPath, pathNode, path + ".path", "path")) {
            return Optional.empty();
        }
        if (targetPath.startsWith("/") || List.of(targetPath.split("/")).contains("..") || !PathRules.isUsable(targetPath)) {
            r.error("INVALID_PATH", "path '" + targetPath + "' must stay inside the repository (relative, without '..')",
                    pathNode.location(), path + ".path");
            return Optional.empty();
        }
        Optional<String> username = r.string(g, "username", path, false);
        Optional<String> password = r.string(g, "password", path, false);
        if (password.isPresent() && !credential(r, password.get(), g.get("password").orElseThrow(), path + ".password")) {
            return Optional.empty();
        }
        if (username.isPresent()) {
            EnvironmentReferences.problem(username.get()).ifPresent(p -> r.error("INVALID_ENV_REFERENCE", p,
                    g.get("username").orElseThrow().location(), path + ".username"));
        }
        return Optional.of(new DeliveryTarget.GitOps(repository.get(), branch, targetPath, username.orElse(null),
                password.orElse(null)));
    }

    /** A credential must be an environment reference: a literal secret in the file would be read by everyone who reads it. */
    private static boolean credential(DocumentReader r, String value, YamlNode node, String path) {
        Optional<String> problem = EnvironmentReferences.problem(value);
        if (problem.isPresent()) {
            r.error("INVALID_ENV_REFERENCE", problem.get() + "; write ${env:NAME}", node.location(), path);
            return false;
        }
        if (!value.matches("\\$\\{env:[A-Za-z_][A-Za-z0-9_]*}")) {
            r.error("CREDENTIAL_IN_FILE", "a credential is never written into admin-config: give it as ${env:NAME} "
                    + "and set that variable where innominatus runs", node.location(), path);
            return false;
        }
        for (String name : EnvironmentReferences.unset(value, System::getenv)) {
            r.warning("ENVIRONMENT_VARIABLE_UNSET", "environment variable " + name + " is not set; deployments to this "
                    + "environment are blocked until it is", node.location(), path);
        }
        return true;
    }

    private static boolean checkPattern(DocumentReader r, String pattern, YamlNode node, String path, String what) {
        try {
            for (Interpolation.Occurrence occurrence : Interpolation.references(pattern)) {
                if (!PATTERN_VARIABLES.contains(occurrence.expression().trim())) {
                    r.error("UNKNOWN_VARIABLE", what + " '" + pattern + "' uses ${" + occurrence.expression() + "}; a "
                            + what + " may use " + String.join(", ", PATTERN_VARIABLES.stream().map(v -> "${" + v + "}")
                            .toList()), node.location(), path);
                    return false;
                }
            }
        } catch (Interpolation.SyntaxException e) {
            r.error("INVALID_VALUE", what + " '" + pattern + "': " + e.getMessage(), node.location(), path);
            return false;
        }
        return true;
    }

    /**
     * Two environments that deliver to the same place must not share namespaces (or GitOps paths): a
     * deployment to one would overwrite, and an undeployment remove, the other's objects.
     */
    private static void checkIsolation(DocumentReader r, Map<String, EnvironmentDefinition> environments) {
        List<EnvironmentDefinition> all = new ArrayList<>(environments.values());
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                EnvironmentDefinition a = all.get(i);
                EnvironmentDefinition b = all.get(j);
                if (!sameDestination(a.target(), b.target())) {
                    continue;
                }
                String place = a.target() instanceof DeliveryTarget.GitOps ? "GitOps path" : "namespace";
                String patternA = a.target() instanceof DeliveryTarget.GitOps g ? g.path() : a.namespacePattern();
                String patternB = b.target() instanceof DeliveryTarget.GitOps g ? g.path() : b.namespacePattern();
                if (render(patternA, a.name()).equals(render(patternB, b.name()))) {
                    r.error("ENVIRONMENT_NAMESPACE_SHARED", "environments " + a.name() + " and " + b.name() + " deliver to "
                            + "the same " + a.target().description() + " with the same " + place + " pattern '" + patternB
                            + "': their deployments would overwrite each other; add ${environment.name} to it",
                            b.location(), "environments." + b.name());
                }
            }
        }
    }

    private static boolean sameDestination(DeliveryTarget a, DeliveryTarget b) {
        if (a instanceof DeliveryTarget.GitOps ga && b instanceof DeliveryTarget.GitOps gb) {
            return ga.repository().equals(gb.repository()) && ga.branch().equals(gb.branch());
        }
        if (a instanceof DeliveryTarget.Cluster ca && b instanceof DeliveryTarget.Cluster cb) {
            return Objects.equals(ca.server(), cb.server()) && Objects.equals(ca.context(), cb.context())
                    && ca.inCluster() == cb.inCluster();
        }
        return a instanceof DeliveryTarget.ServiceCluster && b instanceof DeliveryTarget.ServiceCluster;
    }

    /** A pattern rendered for a sample application, so that two patterns compare by what they produce. */
    private static String render(String pattern, String environment) {
        try {
            return Interpolation.render(pattern, e -> Optional.of(switch (e.trim()) {
                case "environment.name" -> environment;
                case "application.name" -> "\u0001app";
                default -> "\u0001product";
            }));
        } catch (IllegalArgumentException e) {
            return pattern;
        }
    }
}
