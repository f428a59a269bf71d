package io.innominatus.api;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The bundled catalog with admin values pointing at this test instance, which listens on a fixed port. */
public class EngineTestProfile implements QuarkusTestProfile {

    static final int PORT = 18089;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("innominatus.admin-config", "src/test/resources/catalogs/engine/admin-config.yaml",
                "quarkus.http.test-port", Integer.toString(PORT));
    }
}
