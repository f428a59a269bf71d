package io.innominatus.api.console;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The console's own catalog ({@code catalogs/console}): one product, two environments, production behind an approval. */
public class ConsoleTestProfile implements QuarkusTestProfile {

    static final String STOREFRONT = "src/test/resources/catalogs/console/apps/storefront.yaml";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("innominatus.admin-config", "src/test/resources/catalogs/console/admin-config.yaml");
    }
}
