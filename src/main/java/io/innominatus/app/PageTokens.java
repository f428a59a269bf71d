package io.innominatus.app;

import io.innominatus.model.DomainException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Opaque page tokens bound to the filters of the query that issued them: the position inside (a store's keyset
 * cursor, a sequence number) travels with a digest of the filters, and a token presented with other filters is
 * refused instead of silently paging through a different result.
 */
final class PageTokens {

    private PageTokens() {}

    /** The token for the page after {@code position}; empty when there is no further page. */
    static String issue(List<String> filters, String position) {
        if (position == null || position.isEmpty()) {
            return "";
        }
        String raw = binding(filters) + ":" + position;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The position in {@code token}, empty for the first page. */
    static String position(List<String> filters, String token) {
        if (token == null || token.isEmpty()) {
            return "";
        }
        String raw;
        try {
            raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw DomainException.InvalidInput.field("page_token", "malformed page token");
        }
        int colon = raw.indexOf(':');
        if (colon <= 0 || colon == raw.length() - 1) {
            throw DomainException.InvalidInput.field("page_token", "malformed page token");
        }
        if (!raw.substring(0, colon).equals(binding(filters))) {
            String description = "the page token was issued for a query with other filters; repeat that query's filters "
                    + "or start again without a token";
            throw new DomainException.InvalidInput("PAGE_TOKEN_FILTER_MISMATCH", "page_token: " + description,
                    List.of(new DomainException.FieldProblem("page_token", description)), List.of());
        }
        return raw.substring(colon + 1);
    }

    private static String binding(List<String> filters) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String filter : filters) {
                sha.update((filter == null ? "" : filter).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
