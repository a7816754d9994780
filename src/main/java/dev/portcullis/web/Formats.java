package dev.portcullis.web;

import io.quarkus.qute.TemplateExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** How pages show times, sizes and digests: {@code {tag.pushedAt.ago}}, {@code {tag.size.bytes}}. */
@TemplateExtension
public final class Formats {

    private static final DateTimeFormatter EXACT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Formats() {
    }

    /** "3 minutes ago", "in 2 days": the time a person reads at a glance. */
    static String ago(Instant time) {
        return relative(time, Instant.now());
    }

    static String relative(Instant time, Instant now) {
        Duration d = Duration.between(time, now);
        boolean future = d.isNegative();
        long s = Math.abs(d.getSeconds());
        String amount;
        if (s < 45) {
            return "just now";
        } else if (s < 90 * 60) {
            amount = plural(Math.max(1, Math.round(s / 60.0)), "minute");
        } else if (s < 22 * 3600) {
            amount = plural(Math.round(s / 3600.0), "hour");
        } else if (s < 45L * 86400) {
            amount = plural(Math.round(s / 86400.0), "day");
        } else if (s < 545L * 86400) {
            amount = plural(Math.round(s / (30.44 * 86400)), "month");
        } else {
            amount = plural(Math.round(s / (365.25 * 86400)), "year");
        }
        return future ? "in " + amount : amount + " ago";
    }

    /** The exact time, for the {@code title} of a relative one. */
    static String exact(Instant time) {
        return EXACT.format(time.truncatedTo(ChronoUnit.SECONDS));
    }

    /** ISO-8601, for {@code <time datetime>}. */
    static String iso(Instant time) {
        return DateTimeFormatter.ISO_INSTANT.format(time.truncatedTo(ChronoUnit.SECONDS));
    }

    /** 1.2 MB: decimal units, as registries and Docker Hub show image sizes. */
    static String bytes(Long size) {
        if (size == null) {
            return "–";
        }
        if (size < 1000) {
            return size + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB", "PB"};
        double value = size;
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, value < 10 ? "%.1f %s" : "%.0f %s", value, units[unit]);
    }

    /** sha256:0123456789ab: enough to tell images apart on a page; the full digest goes in a title. */
    static String shortDigest(String digest) {
        if (digest == null) {
            return "";
        }
        int colon = digest.indexOf(':');
        return digest.length() > colon + 13 ? digest.substring(0, colon + 13) : digest;
    }

    /** A service's message as a sentence: capitalised, with a full stop. */
    static String sentence(String text) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        String s = Character.toUpperCase(text.charAt(0)) + text.substring(1);
        return s.endsWith(".") || s.endsWith("!") || s.endsWith("?") ? s : s + ".";
    }

    /** The first line of a markdown description, plain and short, for lists. */
    static String excerpt(String markdown) {
        if (markdown == null) {
            return "";
        }
        String line = markdown.strip().lines().filter(l -> !l.isBlank()).findFirst().orElse("")
                .replaceAll("^[#>*\\-\\s]+", "");
        return line.length() > 140 ? line.substring(0, 139) + "…" : line;
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
