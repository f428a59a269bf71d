package io.innominatus.api.console;

import io.innominatus.api.security.TokenIssuer;
import java.util.HashMap;
import java.util.Map;

/** The console's catalog with authentication on: every call needs a token signed by {@link TokenIssuer}. */
public class SecuredConsoleTestProfile extends ConsoleTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
        overrides.put("quarkus.oidc.public-key", TokenIssuer.publicKey());
        overrides.put("quarkus.oidc.token.issuer", TokenIssuer.ISSUER);
        return overrides;
    }
}
