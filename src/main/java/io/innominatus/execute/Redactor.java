package io.innominatus.execute;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** Replaces registered secret values with a mask wherever text leaves the engine (logs, errors, outputs). */
final class Redactor {

    static final String MASK = "********";
    /** Shorter values would mask ordinary words. */
    static final int MIN_LENGTH = 4;
    private final Set<String> secrets = ConcurrentHashMap.newKeySet();
    private volatile List<String> ordered = List.of();

    void add(String secret) {
        if (secret != null && secret.length() >= MIN_LENGTH && secrets.add(secret)) {
            ordered = secrets.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
        }
    }

    String apply(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String result = text;
        for (String secret : ordered) {
            if (result.contains(secret)) {
                result = result.replace(secret, MASK);
            }
        }
        return result;
    }

    Map<String, String> apply(Map<String, String> values, Set<String> secretKeys) {
        return values.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> secretKeys.contains(e.getKey()) ? MASK : apply(e.getValue()),
                (a, b) -> a, java.util.LinkedHashMap::new));
    }
}
