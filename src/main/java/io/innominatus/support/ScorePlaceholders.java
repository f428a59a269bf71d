package io.innominatus.support;

import io.innominatus.model.Interpolation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Score's placeholder syntax: {@code ${metadata.<key>}} and {@code ${resources.<name>[.<output>]}};
 * {@code $$} is a literal {@code $}.
 */
public final class ScorePlaceholders {

    private ScorePlaceholders() {}

    public static List<Interpolation.Occurrence> references(String text) {
        List<Interpolation.Occurrence> result = new ArrayList<>();
        substitute(text, (expression) -> {
            result.add(new Interpolation.Occurrence(expression, 0));
            return Optional.of("");
        });
        return result;
    }

    /** A description of what is wrong with a placeholder, or null when it names something that exists. */
    public static String check(String expression, Map<String, Object> metadata, Set<String> resources) {
        List<String> parts = Arrays.asList(expression.trim().split("\\.", -1));
        if (parts.size() >= 2 && parts.get(0).equals("metadata")) {
            Object current = metadata;
            for (String part : parts.subList(1, parts.size())) {
                if (!(current instanceof Map<?, ?> map) || !map.containsKey(part)) {
                    return "${" + expression + "}: the workload has no metadata." + String.join(".", parts.subList(1, parts.size()));
                }
                current = map.get(part);
            }
            return null;
        }
        if (parts.size() >= 2 && parts.get(0).equals("resources")) {
            if (!resources.contains(parts.get(1))) {
                return "${" + expression + "}: the workload declares no resource '" + parts.get(1) + "'";
            }
            return null;
        }
        return "${" + expression + "}: Score placeholders must start with metadata. or resources.";
    }

    /**
     * Replaces placeholders with the values {@code lookup} gives; {@code $$} becomes {@code $}.
     *
     * @throws Interpolation.UnresolvedException when lookup has no value
     * @throws Interpolation.SyntaxException for an unterminated placeholder
     */
    public static String substitute(String text, Function<String, Optional<String>> lookup) {
        if (text == null || text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    throw new Interpolation.SyntaxException("unterminated ${ (missing })", i);
                }
                String expression = text.substring(i + 2, end).trim();
                out.append(lookup.apply(expression).orElseThrow(() ->
                        new Interpolation.UnresolvedException(expression, "no value for ${" + expression + "}")));
                i = end + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
