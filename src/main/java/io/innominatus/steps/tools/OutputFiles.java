package io.innominatus.steps.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.innominatus.steps.spi.StepFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Step outputs written by programs: a JSON object, or {@code key=value} lines. */
public final class OutputFiles {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_BYTES = 1024 * 1024;

    private OutputFiles() {}

    public static Map<String, String> read(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new StepFailure("output file " + file.getFileName() + " was not written");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new StepFailure("output file " + file.getFileName() + " is larger than 1 MiB");
            }
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new StepFailure("cannot read output file " + file.getFileName() + ": " + e.getMessage());
        }
    }

    /** Parses a JSON object (values become strings; nested values their JSON) or {@code key=value} lines. */
    public static Map<String, String> parse(String text) {
        String trimmed = text.strip();
        Map<String, String> outputs = new LinkedHashMap<>();
        if (trimmed.startsWith("{")) {
            JsonNode root;
            try {
                root = JSON.readTree(trimmed);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new StepFailure("outputs are not a valid JSON object: " + e.getOriginalMessage());
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode value = field.getValue();
                outputs.put(field.getKey(), value.isValueNode() ? value.asText() : value.toString());
            }
            return outputs;
        }
        for (String line : trimmed.split("\\R")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                throw new StepFailure("output line '" + line + "' is not key=value");
            }
            outputs.put(line.substring(0, equals).trim(), line.substring(equals + 1).trim());
        }
        return outputs;
    }
}
