package io.innominatus.parse;

import io.innominatus.model.StepDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Graph queries over a workflow's {@code dependsOn} edges. */
public final class StepGraph {

    private StepGraph() {}

    /** Every dependency cycle, each listed once from its first step in file order back to it. */
    public static List<List<String>> cycles(List<StepDefinition> steps) {
        Map<String, List<String>> edges = edges(steps);
        List<List<String>> cycles = new ArrayList<>();
        Set<String> done = new HashSet<>();
        Set<Set<String>> reported = new HashSet<>();
        for (StepDefinition step : steps) {
            visit(step.name(), edges, new ArrayList<>(), new HashSet<>(), done, cycles, reported);
        }
        return cycles;
    }

    private static void visit(String node, Map<String, List<String>> edges, List<String> stack, Set<String> onStack,
            Set<String> done, List<List<String>> cycles, Set<Set<String>> reported) {
        if (done.contains(node)) {
            return;
        }
        if (onStack.contains(node)) {
            List<String> cycle = new ArrayList<>(stack.subList(stack.indexOf(node), stack.size()));
            if (cycle.size() > 1 && reported.add(new HashSet<>(cycle))) {
                cycle.add(node);
                cycles.add(cycle);
            }
            return;
        }
        stack.add(node);
        onStack.add(node);
        for (String next : edges.getOrDefault(node, List.of())) {
            if (edges.containsKey(next)) {
                visit(next, edges, stack, onStack, done, cycles, reported);
            }
        }
        stack.remove(stack.size() - 1);
        onStack.remove(node);
        done.add(node);
    }

    /** The steps {@code name} transitively depends on. */
    public static Set<String> ancestors(List<StepDefinition> steps, String name) {
        Map<String, List<String>> edges = edges(steps);
        Set<String> result = new LinkedHashSet<>();
        List<String> pending = new ArrayList<>(edges.getOrDefault(name, List.of()));
        while (!pending.isEmpty()) {
            String next = pending.remove(pending.size() - 1);
            if (!next.equals(name) && result.add(next)) {
                pending.addAll(edges.getOrDefault(next, List.of()));
            }
        }
        return result;
    }

    /**
     * Steps in execution order: a topological order of the DAG in which ties keep file order. For
     * workflows without {@code dependsOn} this is file order.
     */
    public static List<StepDefinition> topologicalOrder(List<StepDefinition> steps) {
        Map<String, List<String>> edges = edges(steps);
        List<StepDefinition> ordered = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        List<StepDefinition> remaining = new ArrayList<>(steps);
        while (!remaining.isEmpty()) {
            StepDefinition next = remaining.stream()
                    .filter(s -> placed.containsAll(edges.getOrDefault(s.name(), List.of()).stream()
                            .filter(edges::containsKey).toList()))
                    .findFirst()
                    .orElse(remaining.get(0));
            ordered.add(next);
            placed.add(next.name());
            remaining.remove(next);
        }
        return ordered;
    }

    private static Map<String, List<String>> edges(List<StepDefinition> steps) {
        Map<String, List<String>> edges = new HashMap<>();
        for (StepDefinition step : steps) {
            edges.putIfAbsent(step.name(), step.dependsOn());
        }
        return edges;
    }
}
