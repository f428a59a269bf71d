package io.innominatus.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.EventPayload;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON for what the store keeps as documents: plans, step outputs and event payloads. Event kinds are
 * mapped here explicitly, so the domain types need no serialization annotations.
 */
final class JsonCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .addMixIn(io.innominatus.model.DeliveryTarget.class, StoredDocuments.DeliveryTargetMixin.class);
    private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP = new TypeReference<>() {};

    private static final Map<String, Class<? extends EventPayload>> KINDS = Map.ofEntries(
            Map.entry("state_changed", EventPayload.StateChanged.class),
            Map.entry("phase_started", EventPayload.PhaseStarted.class),
            Map.entry("phase_finished", EventPayload.PhaseFinished.class),
            Map.entry("workflow_started", EventPayload.WorkflowStarted.class),
            Map.entry("workflow_finished", EventPayload.WorkflowFinished.class),
            Map.entry("step_started", EventPayload.StepStarted.class),
            Map.entry("step_log", EventPayload.StepLog.class),
            Map.entry("step_progress", EventPayload.StepProgress.class),
            Map.entry("step_finished", EventPayload.StepFinished.class),
            Map.entry("approval_requested", EventPayload.ApprovalRequested.class),
            Map.entry("approval_decided", EventPayload.ApprovalDecided.class));
    private static final Map<Class<?>, String> NAMES = KINDS.entrySet().stream()
            .collect(java.util.stream.Collectors.toUnmodifiableMap(Map.Entry::getValue, Map.Entry::getKey));

    private JsonCodec() {}

    static String kind(EventPayload payload) {
        return NAMES.get(payload.getClass());
    }

    /** The step an event concerns, stored for filtering logs by step; null for execution-level events. */
    static String step(EventPayload payload) {
        if (payload instanceof EventPayload.StepStarted e) {
            return e.step();
        }
        if (payload instanceof EventPayload.StepLog e) {
            return e.step();
        }
        if (payload instanceof EventPayload.StepProgress e) {
            return e.step();
        }
        if (payload instanceof EventPayload.StepFinished e) {
            return e.step();
        }
        return null;
    }

    static EventPayload event(String kind, String json) {
        Class<? extends EventPayload> type = KINDS.get(kind);
        if (type == null) {
            throw new IllegalStateException("unknown event kind " + kind);
        }
        return read(json, type);
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    static DeploymentPlan plan(String json) {
        return read(json, DeploymentPlan.class);
    }

    static Map<String, String> outputs(String json) {
        try {
            return MAPPER.readValue(json, STRING_MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored outputs are not valid JSON", e);
        }
    }

    static <T> T read(String json, TypeReference<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored document is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored " + type.getSimpleName() + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
