package io.innominatus.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.innominatus.model.PlannedStep;
import io.innominatus.model.StepDefinition;
import io.innominatus.model.StepExports;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a planned step exports survives the store, and a step stored before plans recorded it exports what it did then. */
class StoredStepExportsTest {

    private static PlannedStep step(String name, String type, StepExports exports) {
        return new PlannedStep(new StepDefinition(name, type, Map.of(), null, null, List.of(), null, null,
                io.innominatus.model.When.ON_SUCCESS, null, io.innominatus.model.RetryPolicy.NONE, false, List.of(), null, List.of()),
                List.of(), "w.yaml", exports);
    }

    @Test
    void exportsAreReadBackAsWritten() {
        for (StepExports exports : List.of(StepExports.NONE, new StepExports("db", false), new StepExports(null, true))) {
            PlannedStep written = step("anything", "exec", exports);
            assertEquals(exports, JsonCodec.read(JsonCodec.write(written), PlannedStep.class).exports());
        }
    }

    @Test
    void aStepStoredBeforeExportsWereRecordedExportsWhatTheEngineInferredThen() {
        for (var expected : Map.of("provision-db|resource-provisioning", new StepExports("db", false),
                "apply|terraform", new StepExports(null, true), "deploy-application|kubernetes", StepExports.NONE).entrySet()) {
            String[] step = expected.getKey().split("\\|");
            String stored = JsonCodec.write(step(step[0], step[1], StepExports.NONE)).replaceAll(",?\"exports\":\\{[^}]*}", "");
            assertTrue(!stored.contains("exports"), stored);
            assertEquals(expected.getValue(), JsonCodec.read(stored, PlannedStep.class).exports(), stored);
        }
    }
}
