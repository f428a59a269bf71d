package io.innominatus.api.security;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.smallrye.jwt.build.Jwt;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Signs test tokens with a key pair made for the test run; the service verifies them with the public key
 * ({@code quarkus.oidc.public-key}), exactly as it verifies an issuer's tokens with the issuer's keys.
 */
public final class TokenIssuer {

    public static final String ISSUER = "https://issuer.innominatus.test";
    private static final KeyPair KEYS = generate();

    private TokenIssuer() {}

    /** The public key as {@code quarkus.oidc.public-key} takes it. */
    public static String publicKey() {
        return Base64.getEncoder().encodeToString(KEYS.getPublic().getEncoded());
    }

    public static String token(String user, List<String> groups) {
        return Jwt.issuer(ISSUER).upn(user).subject(user).claim("preferred_username", user).groups(Set.copyOf(groups))
                .issuedAt(Instant.now()).expiresIn(Duration.ofMinutes(10)).sign(KEYS.getPrivate());
    }

    /** A token that was valid for a minute, an hour ago. */
    public static String expiredToken(String user, List<String> groups) {
        return Jwt.issuer(ISSUER).upn(user).subject(user).groups(Set.copyOf(groups)).issuedAt(Instant.now().minusSeconds(3600))
                .expiresAt(Instant.now().minusSeconds(3540)).sign(KEYS.getPrivate());
    }

    /** A token naming {@code user} for a person whose stable identity (the {@code sub} claim) is {@code subject}. */
    public static String token(String user, String subject, List<String> groups) {
        return Jwt.issuer(ISSUER).upn(user).subject(subject).claim("preferred_username", user).groups(Set.copyOf(groups))
                .issuedAt(Instant.now()).expiresIn(Duration.ofMinutes(10)).sign(KEYS.getPrivate());
    }

    /** Sends {@code authorization: Bearer <token>} with every call. */
    public static CallCredentials bearer(String token) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                applier.apply(headers);
            }
        };
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
