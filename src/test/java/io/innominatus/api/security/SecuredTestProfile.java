package io.innominatus.api.security;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The bundled catalog and admin config with authentication on: tokens signed by {@link TokenIssuer}. */
public class SecuredTestProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.oidc.public-key", TokenIssuer.publicKey(), "quarkus.oidc.token.issuer", TokenIssuer.ISSUER);
    }
}
