package dev.portcullis.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An HTTP {@code CONNECT} proxy that knows a few host names the machine does not resolve: each to a port on
 * 127.0.0.1 (the ingress). Clients that honour {@code HTTPS_PROXY} (dockerd, the JDK's HttpClient through a
 * ProxySelector) then reach {@code https://registry.example.test} as they would through DNS, with TLS end to end
 * (the proxy only copies bytes, SNI and certificate checks are the client's), and no one edits {@code /etc/hosts}.
 * A name it does not know is refused with 403.
 */
public final class HostsProxy implements AutoCloseable {

    private final Map<String, Integer> hosts;
    private final ServerSocket server;

    private HostsProxy(Map<String, Integer> hosts) throws IOException {
        this.hosts = new java.util.concurrent.ConcurrentHashMap<>(hosts);
        this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "hosts-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy on a free loopback port sending {@code host:any-port} to {@code 127.0.0.1:hosts.get(host)}. */
    public static HostsProxy start(Map<String, Integer> hosts) {
        try {
            return new HostsProxy(hosts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code host} to {@code 127.0.0.1:port} from now on. */
    public void route(String host, int port) {
        hosts.put(host, port);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:PORT}, for HTTPS_PROXY. */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> serve(client), "hosts-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            String head = readHead(in);
            String[] request = head.split("\r\n", 2)[0].split(" ");
            OutputStream out = client.getOutputStream();
            Integer port = null;
            if (request.length == 3 && request[0].equals("CONNECT")) {
                String host = request[1].replaceAll(":\\d+$", "");
                port = hosts.get(host);
            }
            if (port == null) {
                out.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            try (Socket upstream = new Socket()) {
                upstream.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread back = new Thread(() -> copy(upstream, client), "hosts-proxy-back");
                back.setDaemon(true);
                back.start();
                copy(client, upstream);
                back.join();
            }
        } catch (IOException | InterruptedException e) {
            // the client or the ingress went away
        }
    }

    private static void copy(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
            if (head.length() > 8192) {
                break;
            }
        }
        return head.toString();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
