package io.innominatus.app;

import io.innominatus.model.DomainException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Offset pagination over an ordered list. Page tokens are opaque to callers; each binds to the
 * query it came from so that a token cannot be replayed against a different filter.
 */
public record PageRequest(int pageSize, String pageToken, String query) {

    /** One page and the token for the next, empty when there is none. */
    public record Page<T>(List<T> items, String nextPageToken) {}

    public static final int DEFAULT_SIZE = 50;
    public static final int MAX_SIZE = 500;

    public <T> Page<T> apply(List<T> all) {
        return apply(all, DEFAULT_SIZE, MAX_SIZE);
    }

    public <T> Page<T> apply(List<T> all, int defaultSize, int maxSize) {
        if (pageSize < 0) {
            throw DomainException.InvalidInput.field("page_size", "must not be negative");
        }
        int size = pageSize == 0 ? defaultSize : Math.min(pageSize, maxSize);
        int offset = decode();
        if (offset > all.size()) {
            throw DomainException.InvalidInput.field("page_token", "token is past the end of the results");
        }
        int end = Math.min(all.size(), offset + size);
        String next = end < all.size() ? encode(end) : "";
        return new Page<>(List.copyOf(all.subList(offset, end)), next);
    }

    private int decode() {
        if (pageToken == null || pageToken.isEmpty()) {
            return 0;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            String binding = decoded.substring(0, colon);
            int offset = Integer.parseInt(decoded.substring(colon + 1));
            if (!binding.equals(Integer.toHexString(query.hashCode())) || offset < 0) {
                throw DomainException.InvalidInput.field("page_token", "token does not belong to this query");
            }
            return offset;
        } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
            throw DomainException.InvalidInput.field("page_token", "malformed page token");
        }
    }

    private String encode(int offset) {
        String raw = Integer.toHexString(query.hashCode()) + ":" + offset;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }
}
