package dev.portcullis.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A second load beside a test: one busy-looping shell per core, so that the service, its database and the test's
 * clients get only what a busy CI machine would leave them. Stopped (killed) on {@link #close()}.
 */
public final class BusyCores implements AutoCloseable {

    private final List<Process> loops = new ArrayList<>();

    private BusyCores(int count) {
        for (int i = 0; i < count; i++) {
            loops.add(Processes.start(List.of("sh", "-c", "while :; do :; done"), Map.of(), null,
                    Processes.sharedLogDir().resolve("busy-cores.log")));
        }
    }

    /** As many loops as the machine has cores. */
    public static BusyCores all() {
        return new BusyCores(Runtime.getRuntime().availableProcessors());
    }

    /** Every loop still spinning: a load that died proves nothing. */
    public boolean spinning() {
        return loops.stream().allMatch(Process::isAlive);
    }

    public int count() {
        return loops.size();
    }

    @Override
    public void close() {
        loops.forEach(p -> Processes.terminate(p, Duration.ZERO));
    }
}
