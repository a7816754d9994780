package dev.portcullis.core;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** Bounded page sizes and opaque cursors for the API's lists. */
public final class Pagination {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    private Pagination() {
    }

    /** One page of a list and the cursor of the next page (null on the last). */
    public record Page<T>(List<T> items, String next) {
    }

    public static int limit(Integer requested) {
        int limit = requested == null ? DEFAULT_LIMIT : requested;
        if (limit < 1 || limit > MAX_LIMIT) {
            throw Refusal.malformed("limit must be between 1 and " + MAX_LIMIT);
        }
        return limit;
    }

    public static String encode(String position) {
        return position == null ? null
                : Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    /** The position a cursor stands for; "" for none. A cursor we did not hand out is a 400. */
    public static String decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return "";
        }
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw Refusal.malformed("cursor is not one this API returned");
        }
    }

    /** A keyset position of two numbers (a sort value and the row id), as a position string. */
    public static String pair(long first, long id) {
        return first + "." + id;
    }

    /** The two numbers of a position made by {@link #pair}; anything else is a 400. */
    public static long[] pair(String position) {
        try {
            int dot = position.indexOf('.');
            return new long[] {Long.parseLong(position.substring(0, dot)), Long.parseLong(position.substring(dot + 1))};
        } catch (RuntimeException e) {
            throw Refusal.malformed("cursor is not one this API returned");
        }
    }

    /**
     * Cuts a list fetched with {@code limit + 1} rows into a page; the next cursor is the key of its last item.
     */
    public static <T> Page<T> page(List<T> rows, int limit, java.util.function.Function<T, String> key) {
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<T> items = rows.subList(0, limit);
        return new Page<>(List.copyOf(items), encode(key.apply(items.get(limit - 1))));
    }
}
