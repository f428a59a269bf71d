package io.innominatus.resolve;

import io.innominatus.model.Diagnostic;
import io.innominatus.model.Interpolation;
import io.innominatus.model.Provisioner;
import io.innominatus.model.RuleIds;
import io.innominatus.model.ScoreWorkload;
import io.innominatus.model.ScoreWorkload.ResourceRequest;
import io.innominatus.model.SourceLocation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses a provisioner for every Score resource (first match wins: admin-config, product directories,
 * then built-ins; a product's own provisioners only for its applications unless published) and orders
 * the resources so that one whose parameters use another's outputs is provisioned after it.
 */
final class ResourceResolution {

    /** The provisioner of each resource, the order to provision them in, and the problems found. */
    record Result(Map<String, Provisioner> provisioners, List<String> order, List<Diagnostic> problems) {}

    private ResourceResolution() {}

    static Result resolve(ScoreWorkload workload, List<Provisioner> defined) {
        Map<String, Provisioner> chosen = new LinkedHashMap<>();
        List<Diagnostic> problems = new ArrayList<>();
        for (ResourceRequest resource : workload.resources().values()) {
            SourceLocation location = resource.location() == null ? SourceLocation.ofFile(workload.fileName()) : resource.location();
            String path = "resources." + resource.name() + ".type";
            List<Provisioner> matches = new ArrayList<>(defined.stream().filter(p -> p.matches(resource)).toList());
            if (Provisioner.BUILT_IN.contains(resource.type())) {
                matches.add(Provisioner.builtIn(resource.type()));
            }
            Optional<Provisioner> usable = matches.stream().filter(p -> p.availableTo(workload.product())).findFirst();
            if (usable.isPresent()) {
                chosen.put(resource.name(), usable.get());
            } else if (!matches.isEmpty()) {
                problems.add(Diagnostic.error(RuleIds.RESOURCE_TYPE_NOT_ALLOWED, "resource '" + resource.name()
                        + "' has type '" + resource.type() + "', which only applications of product '"
                        + matches.get(0).product() + "' may use (the platform team can publish it with admin-config "
                        + "publishedProvisioners: [" + matches.get(0).product() + "/" + resource.type() + "])", location, path));
            } else {
                problems.add(Diagnostic.error(RuleIds.RESOURCE_TYPE_UNKNOWN, "no provisioner handles resource type '"
                        + resource.type() + "'" + (resource.resourceClass() == null ? "" : " (class " + resource.resourceClass()
                        + ")") + " of resource '" + resource.name() + "'; built in: " + String.join(", ", Provisioner.BUILT_IN)
                        + "; others are defined in admin-config resourceDefinitions or in "
                        + "workflows/products/<product>/provisioners.yaml", location, path));
            }
        }
        List<String> order = order(workload, problems);
        return new Result(chosen, order, problems);
    }

    /** Resources ordered so that each comes after the resources its parameters refer to. */
    private static List<String> order(ScoreWorkload workload, List<Diagnostic> problems) {
        Map<String, Set<String>> needs = new LinkedHashMap<>();
        for (ResourceRequest resource : workload.resources().values()) {
            Set<String> references = new LinkedHashSet<>();
            collect(resource.params(), references);
            references.retainAll(workload.resources().keySet());
            references.remove(resource.name());
            needs.put(resource.name(), references);
        }
        List<String> ordered = new ArrayList<>();
        Set<String> placed = new LinkedHashSet<>();
        List<String> remaining = new ArrayList<>(needs.keySet());
        while (!remaining.isEmpty()) {
            Optional<String> next = remaining.stream().filter(r -> placed.containsAll(needs.get(r))).findFirst();
            if (next.isEmpty()) {
                ResourceRequest first = workload.resources().get(remaining.get(0));
                problems.add(Diagnostic.error(RuleIds.RESOURCE_CYCLE, "resources " + remaining + " refer to each other's "
                        + "outputs in a circle; none can be provisioned first", first.location() == null
                        ? SourceLocation.ofFile(workload.fileName()) : first.location(), "resources." + first.name() + ".params"));
                ordered.addAll(remaining);
                return ordered;
            }
            ordered.add(next.get());
            placed.add(next.get());
            remaining.remove(next.get());
        }
        return ordered;
    }

    private static void collect(Object value, Set<String> resources) {
        if (value instanceof Map<?, ?> map) {
            map.values().forEach(v -> collect(v, resources));
        } else if (value instanceof List<?> list) {
            list.forEach(v -> collect(v, resources));
        } else if (value instanceof String text) {
            try {
                for (Interpolation.Occurrence occurrence : Interpolation.references(text)) {
                    String[] parts = occurrence.expression().trim().split("\\.");
                    if (parts.length >= 2 && parts[0].equals("resources")) {
                        resources.add(parts[1]);
                    }
                }
            } catch (Interpolation.SyntaxException ignored) {
                // The Score parser reports malformed placeholders.
            }
        }
    }
}
