package dev.portcullis.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * HTTP/1.1 requests as a test needs them where the usual clients cannot go: from a chosen local address (a second
 * client on one machine is another loopback address), over TLS to a proxy with a certificate of the test's own CA,
 * with headers a client should not be able to spoof. One request per connection.
 */
public final class RawHttp {

    /** An answer: the status, the headers (names lower-cased, every value kept), the body. */
    public record Answer(int status, Map<String, List<String>> headers, String body) {

        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }

        public List<String> headers(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }
    }

    private final InetAddress from;
    private final SSLContext tls;

    private RawHttp(InetAddress from, SSLContext tls) {
        this.from = from;
        this.tls = tls;
    }

    /** Plain HTTP from {@code from}. */
    public static RawHttp from(InetAddress from) {
        return new RawHttp(from, null);
    }

    /** HTTPS from {@code from}, trusting what {@code tls} trusts and checking the certificate's names. */
    public static RawHttp tls(InetAddress from, SSLContext tls) {
        return new RawHttp(from, tls);
    }

    /**
     * @param headers alternating names and values, e.g. {@code "Authorization", "Basic ..."}; {@code Host} is the
     *                {@code host} unless given
     */
    public Answer send(String method, String host, int port, String path, String body, String... headers)
            throws IOException {
        try (Socket socket = open(host, port)) {
            socket.setSoTimeout(120_000);
            StringBuilder request = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
            boolean hostGiven = false;
            for (int i = 0; i + 1 < headers.length; i += 2) {
                hostGiven |= headers[i].equalsIgnoreCase("Host");
                request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            if (!hostGiven) {
                request.append("Host: ").append(host).append(':').append(port).append("\r\n");
            }
            byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            if (body != null) {
                request.append("Content-Length: ").append(content.length).append("\r\n");
            }
            request.append("Connection: close\r\n\r\n");
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(content);
            socket.getOutputStream().flush();
            return read(socket.getInputStream());
        }
    }

    public Answer get(String host, int port, String path, String... headers) throws IOException {
        return send("GET", host, port, path, null, headers);
    }

    private Socket open(String host, int port) throws IOException {
        Socket plain = new Socket();
        plain.bind(new InetSocketAddress(from, 0));
        plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 30_000);
        if (tls == null) {
            return plain;
        }
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    /** Reads the whole answer: the connection is closed after it, so the body is what follows the headers. */
    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        String text = all.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end);
        String body = end < 0 ? "" : text.substring(end + 4);
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        k -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
            }
        }
        if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", List.of("")).get(0))) {
            body = dechunk(body);
        }
        return new Answer(status, headers, new String(body.getBytes(StandardCharsets.ISO_8859_1),
                StandardCharsets.UTF_8));
    }

    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int eol = chunked.indexOf("\r\n", at);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(chunked.substring(at, eol).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(chunked, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
        return out.toString();
    }
}
