package io.innominatus.cli;

import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Logging in with OIDC and out again. */
final class LoginCommands {

    private LoginCommands() {}

    @Command(name = "login", header = "Log in with OIDC and store the access token.",
            description = {
        "Get an access token from your OIDC provider and store it in $XDG_CONFIG_HOME/innominatus/token "
                + "(default ~/.config/innominatus/token, mode 600); later commands send it.",
        "With --client-secret (or $INNOMINATUS_CLIENT_SECRET): the client credentials grant, for automation. Without: "
                + "the device authorization grant: open the printed URL, enter the code, and the login completes here."})
    static final class Login extends BaseCommand {

        @Option(names = "--issuer", required = true, paramLabel = "URL", description = "The OIDC issuer URL (endpoints come "
                + "from <issuer>/.well-known/openid-configuration).")
        String issuer;

        @Option(names = "--client-id", required = true, paramLabel = "ID", description = "The OIDC client id.")
        String clientId;

        @Option(names = "--client-secret", paramLabel = "SECRET", description = "Client secret: use the client credentials "
                + "grant (prefer $INNOMINATUS_CLIENT_SECRET, which does not show in the process list).")
        String clientSecret;

        @Option(names = "--scope", paramLabel = "SCOPES", description = "Scopes to request, space-separated (default: "
                + "openid for the device grant, none for client credentials).")
        String scope;

        @Override
        protected int run() {
            String secret = clientSecret != null ? clientSecret : env().variable("INNOMINATUS_CLIENT_SECRET");
            OidcClient oidc = new OidcClient(env(), Duration.ofSeconds(root.timeoutSeconds));
            OidcClient.Endpoints endpoints = oidc.discover(issuer);
            OidcClient.Token token;
            if (secret != null) {
                token = oidc.clientCredentials(endpoints, clientId, secret, scope);
            } else {
                OidcClient.DeviceAuthorization device = oidc.startDevice(endpoints, clientId, scope == null ? "openid" : scope);
                out().println("To log in, open " + device.verificationUri() + " and enter the code " + style().bold(device.userCode()));
                if (!device.verificationUriComplete().isEmpty()) {
                    out().println("(or open " + device.verificationUriComplete() + ")");
                }
                out().println("Waiting for the login to be completed…");
                out().flush();
                token = oidc.awaitDevice(endpoints, clientId, device);
            }
            TokenStore store = TokenStore.of(env());
            store.write(token.accessToken());
            out().println("Logged in to " + endpoints.issuer() + "; token stored in " + store.file()
                    + (token.expiresIn() > 0 ? " (valid for " + Text.duration(Duration.ofSeconds(token.expiresIn())) + ")" : ""));
            if (env().variable("INNOMINATUS_TOKEN") != null) {
                warn("INNOMINATUS_TOKEN is set and takes precedence over the stored token");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "logout", header = "Remove the stored access token.",
            description = "Remove the stored access token.")
    static final class Logout extends BaseCommand {

        @Override
        protected int run() {
            TokenStore store = TokenStore.of(env());
            if (store.delete()) {
                out().println("Logged out: removed " + store.file());
            } else {
                out().println("Not logged in: no token at " + store.file());
            }
            return ExitCodes.OK;
        }
    }
}
