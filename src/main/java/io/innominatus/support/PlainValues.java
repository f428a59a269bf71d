package io.innominatus.support;

import io.innominatus.support.YamlNode.Mapping;
import io.innominatus.support.YamlNode.Scalar;
import io.innominatus.support.YamlNode.Sequence;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Loaded YAML as plain data (maps, lists, strings, numbers, booleans), and lookups in such data. */
public final class PlainValues {

    private PlainValues() {}

    /** The plain-data form of a node: maps, lists, String, Long, Double, Boolean or null. */
    public static Object plain(YamlNode node) {
        if (node instanceof Mapping m) {
            Map<String, Object> map = new LinkedHashMap<>();
            m.entries().forEach(e -> map.put(e.key().value(), plain(e.value())));
            return map;
        }
        if (node instanceof Sequence s) {
            List<Object> list = new ArrayList<>();
            s.items().forEach(i -> list.add(plain(i)));
            return list;
        }
        Scalar scalar = (Scalar) node;
        return switch (scalar.kind()) {
            case NULL -> null;
            case BOOL -> {
                String v = scalar.value().toLowerCase(java.util.Locale.ROOT);
                yield v.equals("true") || v.equals("yes") || v.equals("on") || v.equals("y");
            }
            case INT -> parseInteger(scalar.value()).<Object>map(l -> l).orElse(scalar.value());
            case FLOAT -> parseFloat(scalar.value());
            case STRING -> scalar.value();
        };
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> plainMap(Mapping node) {
        return (Map<String, Object>) plain(node);
    }

    public static Optional<Long> parseInteger(String text) {
        String t = text.replace("_", "").trim();
        try {
            if (t.startsWith("0x") || t.startsWith("0X")) {
                return Optional.of(Long.parseLong(t.substring(2), 16));
            }
            if (t.startsWith("0o")) {
                return Optional.of(Long.parseLong(t.substring(2), 8));
            }
            return Optional.of(Long.parseLong(t.startsWith("+") ? t.substring(1) : t));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Object parseFloat(String text) {
        String t = text.replace("_", "").trim().toLowerCase(java.util.Locale.ROOT);
        try {
            return switch (t) {
                case ".inf", "+.inf" -> Double.POSITIVE_INFINITY;
                case "-.inf" -> Double.NEGATIVE_INFINITY;
                case ".nan" -> Double.NaN;
                default -> new BigDecimal(t).doubleValue();
            };
        } catch (NumberFormatException e) {
            return text;
        }
    }

    /** The value at {@code path} (keys, outermost first) in nested maps, if every key is there. */
    public static Optional<Object> lookup(Map<String, Object> root, List<String> path) {
        Object current = root;
        for (String part : path) {
            if (!(current instanceof Map<?, ?> map) || !map.containsKey(part)) {
                return Optional.empty();
            }
            current = map.get(part);
        }
        return Optional.ofNullable(current);
    }
}
