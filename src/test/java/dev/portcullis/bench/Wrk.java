package dev.portcullis.bench;

import dev.portcullis.testsupport.DebianPackages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's {@code wrk}, the load generator outside this JVM, so the service's CPU is the service's: two threads,
 * {@code connections} keep-alive connections, latency percentiles with {@code --latency}. A Lua script makes each
 * request ({@code %n} in the path becomes a number no other request of the run uses) and sets the headers.
 */
final class Wrk {

    /** A run's figures; latencies in ms; {@code errors}: answers that were not 2xx or 3xx, and socket errors. */
    record Figures(String name, int connections, double perSecond, double p50, double p99, long requests, long errors) {
    }

    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern SOCKET = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private Wrk() {
    }

    /**
     * {@code method} on {@code base + path} (path and body with {@code %n} for a unique number), {@code body} may be null.
     * Runs {@code warmup} untimed first, then {@code duration}.
     */
    static Figures run(String name, String base, String method, String path, List<String> headers, String body,
            int connections, Duration warmup, Duration duration, Path work) throws Exception {
        Path wrk = DebianPackages.require("wrk", "wrk");
        Path script = work.resolve("wrk-" + name.replaceAll("[^A-Za-z0-9]", "_") + ".lua");
        Files.writeString(script, lua(method, path, headers, body), StandardCharsets.UTF_8);
        if (!warmup.isZero()) {
            exec(wrk, base, script, connections, warmup, work);
        }
        String out;
        try (Profile profile = Profile.start("tokens-" + name.replaceAll("[^A-Za-z0-9]+", "-") + "-" + connections)) {
            out = exec(wrk, base, script, connections, duration, work);
        }
        long errors = find(NON_2XX, out, 0);
        Matcher socket = SOCKET.matcher(out);
        if (socket.find()) {
            for (int g = 1; g <= 4; g++) {
                errors += Long.parseLong(socket.group(g));
            }
        }
        return new Figures(name, connections, Double.parseDouble(group(RATE, out)), percentile(out, "50"),
                percentile(out, "99"), find(REQUESTS, out, 0), errors);
    }

    private static String lua(String method, String path, List<String> headers, String body) {
        StringBuilder s = new StringBuilder();
        // "id" is a global the setup of each thread sets in that thread's own Lua state.
        s.append("local counter = 0\nlocal threads = 0\n");
        s.append("function setup(thread) threads = threads + 1; thread:set(\"id\", threads) end\n");
        s.append("local headers = {}\n");
        for (String header : headers) {
            int colon = header.indexOf(':');
            s.append("headers[").append(luaString(header.substring(0, colon).trim())).append("] = ")
                    .append(luaString(header.substring(colon + 1).trim())).append('\n');
        }
        s.append("request = function()\n");
        s.append("  counter = counter + 1\n");
        s.append("  local n = tostring(id or 0) .. \"x\" .. tostring(counter)\n");
        s.append("  local path = string.gsub(").append(luaString(path)).append(", \"%%n\", n)\n");
        s.append("  local body = ").append(body == null ? "nil" : "string.gsub(" + luaString(body) + ", \"%%n\", n)")
                .append("\n");
        s.append("  return wrk.format(").append(luaString(method)).append(", path, headers, body)\n");
        s.append("end\n");
        return s.toString();
    }

    private static String luaString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String exec(Path wrk, String base, Path script, int connections, Duration duration, Path work)
            throws IOException, InterruptedException {
        Path log = work.resolve("wrk.out");
        Process p = new ProcessBuilder(wrk.toString(), "-t", "2", "-c", Integer.toString(connections), "-d",
                duration.toSeconds() + "s", "--timeout", "10s", "--latency", "-s", script.toString(), base)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("wrk did not finish");
        }
        String out = Files.readString(log);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("wrk failed: " + out);
        }
        return out;
    }

    /** A latency percentile line of {@code --latency} ("     99%   12.34ms"), in ms. */
    private static double percentile(String out, String percent) {
        Matcher m = Pattern.compile("\\s" + percent + "%\\s+([0-9.]+)(us|ms|s)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no " + percent + "% latency in wrk's output: " + out);
        }
        double value = Double.parseDouble(m.group(1));
        return switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
        };
    }

    private static String group(Pattern pattern, String out) {
        Matcher m = pattern.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException(pattern + " not in wrk's output: " + out);
        }
        return m.group(1);
    }

    private static long find(Pattern pattern, String out, long otherwise) {
        Matcher m = pattern.matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) : otherwise;
    }
}
