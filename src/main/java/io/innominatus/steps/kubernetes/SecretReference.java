package io.innominatus.steps.kubernetes;

/**
 * A pointer to a value kept in a Kubernetes Secret, used as a resource output instead of the value
 * itself: {@code secretRef:<secret>/<key>}. Workloads read it through {@code secretKeyRef}; the value
 * never passes through outputs, events or logs.
 */
public record SecretReference(String secret, String key) {

    public static final String PREFIX = "secretRef:";

    public static SecretReference parse(String text) {
        if (!text.startsWith(PREFIX) || text.indexOf('/', PREFIX.length()) < 0) {
            throw new IllegalArgumentException("not a secret reference: " + text);
        }
        String rest = text.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        return new SecretReference(rest.substring(0, slash), rest.substring(slash + 1));
    }

    @Override
    public String toString() {
        return PREFIX + secret + "/" + key;
    }
}
