package io.innominatus.api.security;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

/**
 * Turns OIDC bearer-token authentication on exactly when an issuer is configured
 * ({@code quarkus.oidc.auth-server-url}, or {@code quarkus.oidc.public-key} for verification with a fixed
 * key), unless {@code quarkus.oidc.tenant-enabled} is set explicitly. Without an issuer the service runs
 * in local mode (loopback only, see {@link ExposureGuard}). The web console's sign-in
 * (the {@code web-console} tenant) is on when an issuer and
 * {@code innominatus.console.oidc.client-id} are configured.
 */
@Priority(Priorities.APPLICATION)
public class OidcActivation implements ConfigSourceInterceptor {

    static final String TENANT_ENABLED = "quarkus.oidc.tenant-enabled";
    static final String AUTH_SERVER_URL = "quarkus.oidc.auth-server-url";
    static final String PUBLIC_KEY = "quarkus.oidc.public-key";
    static final String CONSOLE_LOGIN = "quarkus.oidc.web-console.tenant-enabled";
    static final String CONSOLE_CLIENT = "innominatus.console.oidc.client-id";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (CONSOLE_LOGIN.equals(name) && !(present(value) && value.getConfigSourceOrdinal() > Integer.MIN_VALUE)) {
            // The console signs users in with the code flow, which needs an issuer to discover and a client.
            boolean login = present(context.proceed(AUTH_SERVER_URL)) && present(context.proceed(CONSOLE_CLIENT));
            return ConfigValue.builder().withName(name).withValue(Boolean.toString(login))
                    .withConfigSourceName("innominatus OIDC activation").build();
        }
        // The extension's own default ("true") comes from the lowest-ordinal source; only a value someone set counts.
        if (!TENANT_ENABLED.equals(name) || (present(value) && value.getConfigSourceOrdinal() > Integer.MIN_VALUE)) {
            return value;
        }
        boolean issuer = present(context.proceed(AUTH_SERVER_URL)) || present(context.proceed(PUBLIC_KEY));
        return ConfigValue.builder().withName(name).withValue(Boolean.toString(issuer))
                .withConfigSourceName("innominatus OIDC activation").build();
    }

    static boolean present(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }
}
