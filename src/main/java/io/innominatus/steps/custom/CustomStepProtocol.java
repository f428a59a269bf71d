package io.innominatus.steps.custom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepResult;
import java.io.IOException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The protocol of step types registered without code. The step receives one JSON object
 * {@code {"type", "config", "context": {application, product, environment, execution, workflow, step,
 * attempt}, "idempotencyKey", "dryRun"}} and answers {@code {"outputs": {...}, "secretOutputs": [...]}}.
 */
public final class CustomStepProtocol {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CustomStepProtocol() {}

    static byte[] request(StepContext context, boolean dryRun) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", context.type());
        body.put("config", context.config());
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("application", context.plan().application());
        about.put("product", context.plan().product());
        about.put("environment", context.plan().environment());
        about.put("execution", context.executionId());
        about.put("workflow", context.workflowId());
        about.put("step", context.step());
        about.put("attempt", context.attempt());
        body.put("context", about);
        body.put("idempotencyKey", context.idempotencyKey());
        body.put("dryRun", dryRun);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new StepFailure("cannot encode the step request: " + e.getMessage());
        }
    }

    /** Reads an answer; an empty answer means no outputs. */
    public static StepResult response(String text, String from) {
        if (text == null || text.isBlank()) {
            return StepResult.EMPTY;
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            throw new StepFailure(from + " did not answer with JSON {\"outputs\": {...}}");
        }
        if (!root.isObject()) {
            throw new StepFailure(from + " did not answer with a JSON object");
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        JsonNode values = root.path("outputs");
        for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            outputs.put(field.getKey(), field.getValue().isValueNode() ? field.getValue().asText() : field.getValue().toString());
        }
        Set<String> secret = new HashSet<>();
        root.path("secretOutputs").forEach(n -> secret.add(n.asText()));
        return new StepResult(outputs, secret);
    }
}
