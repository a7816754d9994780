import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The container of KubeletProbesIT's pods, run by the JRE image's {@code java} as a source file (java.base only).
 * On 8080: {@code /ready} answers 503 while {@code /tmp/unready} exists; {@code /alive} answers 500 for the rest
 * of the process's life once it has seen {@code /tmp/break} (which it deletes), appending a line to
 * {@code /tmp/liveness-failures} per failure, as a wedged process would fail its liveness probe until restarted;
 * anything else answers the pod's name and how many times this container has started ({@code /tmp} is the pod's
 * emptyDir, which outlives container restarts).
 */
public final class ProbeServer {

    private static final Path TMP = Path.of("/tmp");
    private static volatile boolean broken;

    public static void main(String[] args) throws IOException {
        Path bootsFile = TMP.resolve("boots");
        int boots = (Files.exists(bootsFile) ? Integer.parseInt(Files.readString(bootsFile).strip()) : 0) + 1;
        Files.writeString(bootsFile, boots + "\n");
        String identity = System.getenv("POD_NAME") + " " + boots;
        try (ServerSocket server = new ServerSocket(8080, 64)) {
            while (true) {
                Socket client = server.accept();
                Thread t = new Thread(() -> answer(client, identity));
                t.setDaemon(true);
                t.start();
            }
        }
    }

    private static void answer(Socket client, String identity) {
        try (client) {
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
            String line = in.readLine();
            String path = line == null ? "/" : line.split(" ")[1];
            while (line != null && !line.isEmpty()) {
                line = in.readLine();
            }
            int status = 200;
            String body = identity;
            if (path.equals("/ready")) {
                status = Files.exists(TMP.resolve("unready")) ? 503 : 200;
            } else if (path.equals("/alive")) {
                if (Files.deleteIfExists(TMP.resolve("break"))) {
                    broken = true;
                }
                if (broken) {
                    status = 500;
                    Files.writeString(TMP.resolve("liveness-failures"), "failed\n", StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                }
            }
            byte[] bytes = (body + "\n").getBytes(StandardCharsets.US_ASCII);
            OutputStream out = client.getOutputStream();
            out.write(("HTTP/1.0 " + status + " X\r\nContent-Type: text/plain\r\nContent-Length: " + bytes.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
        } catch (IOException | RuntimeException e) {
            // a probe that gave up; the next one asks again
        }
    }
}
