package io.innominatus.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Collects benchmark figures into {@code target/bench/results.json} (one key per figure, merged across
 * benchmark classes) and prints them as a markdown table. Each figure is the median of several runs,
 * with the spread (min–max) of those runs.
 */
final class BenchResults {

    static final Path FILE = Path.of("target/bench/results.json");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One figure: its median over runs, the runs' minimum and maximum, and its unit. */
    record Figure(String key, String description, String unit, double median, double min, double max) {}

    /** Whether this JVM (one benchmark run) has started new result files yet. */
    private static boolean started;

    private final List<Figure> figures = new ArrayList<>();
    private final Map<String, Object> extra = new TreeMap<>();

    /** Records a figure measured in several runs. */
    void add(String key, String description, String unit, double... runs) {
        double[] sorted = runs.clone();
        Arrays.sort(sorted);
        figures.add(new Figure(key, description, unit, sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1]));
    }

    void note(String key, Object value) {
        extra.put(key, value);
    }

    /** Percentile of a histogram recorded in microseconds, as milliseconds. */
    static double ms(Histogram histogram, double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    /** Merges this class's figures into the results file and prints the table. */
    synchronized void write(String title) throws IOException {
        Files.createDirectories(FILE.getParent());
        synchronized (BenchResults.class) {
            if (!started) {
                // Results of an earlier run would otherwise be merged with this run's.
                Files.deleteIfExists(FILE);
                Files.deleteIfExists(FILE.resolveSibling("results.md"));
                started = true;
            }
        }
        ObjectNode root = Files.exists(FILE) ? (ObjectNode) JSON.readTree(FILE.toFile()) : JSON.createObjectNode();
        for (Figure f : figures) {
            String[] path = f.key().split("\\.");
            ObjectNode node = root;
            for (int i = 0; i < path.length - 1; i++) {
                node = node.has(path[i]) ? (ObjectNode) node.get(path[i]) : node.putObject(path[i]);
            }
            ObjectNode value = node.putObject(path[path.length - 1]);
            value.put("median", round(f.median()));
            value.put("min", round(f.min()));
            value.put("max", round(f.max()));
            value.put("unit", f.unit());
        }
        extra.forEach((k, v) -> root.putPOJO(k, v));
        JSON.writeValue(FILE.toFile(), root);
        StringBuilder table = new StringBuilder("\n### " + title + "\n\n");
        extra.forEach((k, v) -> table.append(k).append(": ").append(v).append("\n\n"));
        table.append("| figure | key | median | spread (min–max) |\n|---|---|---|---|\n");
        for (Figure f : figures) {
            table.append("| ").append(f.description()).append(" | `").append(f.key()).append("` | ")
                    .append(format(f.median())).append(' ').append(f.unit()).append(" | ")
                    .append(format(f.min())).append("–").append(format(f.max())).append(" |\n");
        }
        System.out.println(table);
        Files.writeString(FILE.resolveSibling("results.md"), table.toString(),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    private static double round(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }

    private static String format(double value) {
        return value >= 100 ? String.format("%.0f", value) : value >= 10 ? String.format("%.1f", value)
                : String.format("%.2f", value);
    }
}
