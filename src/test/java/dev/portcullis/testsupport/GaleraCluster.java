package dev.portcullis.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Three Debian {@code mariadbd} nodes with the Galera provider ({@code galera-4}) on loopback ports, bootstrapped by
 * the test and torn down after. Each node has its own data dir, SQL port, group-communication (gcomm) port, IST port
 * and SST port; state transfer is by rsync, which is why the nodes run as the {@code mysql} user (as root the rsync
 * daemon drops to nobody and cannot write the data dir).
 *
 * <p>Faults: {@link Node#stop()} / {@link Node#start()} (it rejoins by IST, or SST when the gap is too large),
 * {@link Node#kill()}, {@link Node#isolate()} / {@link Node#rejoin()} (Galera's own {@code gmcast.isolate}: the
 * node keeps answering SQL clients but drops all group traffic, so it falls into a non-primary component and refuses
 * writes — a partition between the database nodes while the application still reaches the cut-off one), and
 * {@link #restartAll()} (every node down, the last one stopped bootstraps the cluster again).
 */
public final class GaleraCluster implements AutoCloseable {

    public static final String DATABASE = MariaDbServer.DATABASE;
    public static final String USERNAME = "root";
    public static final String PASSWORD = "";

    private static final Duration INSTALL_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final Path baseDir;
    private final Path mariadbd;
    private final List<Node> nodes = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::destroyQuietly, "galera-shutdown");

    private GaleraCluster(Path baseDir, Path mariadbd) {
        this.baseDir = baseDir;
        this.mariadbd = mariadbd;
    }

    /** Starts three nodes (the first bootstraps a new cluster), waits for a cluster of 3, creates the database. */
    public static GaleraCluster start() {
        return start(3);
    }

    public static GaleraCluster start(int size) {
        Path mariadbd = DebianPackages.require("mariadbd", "mariadb-server");
        Path installDb = DebianPackages.require("mariadb-install-db", "mariadb-server");
        DebianPackages.require("rsync", "rsync");
        if (!Files.exists(Path.of("/usr/lib/galera/libgalera_smm.so"))) {
            DebianPackages.require("garbd", "galera-4");
        }
        Path baseDir;
        try {
            baseDir = Files.createTempDirectory("portcullis-galera-");
            // mysql must traverse it to reach its data dir.
            Files.setPosixFilePermissions(baseDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temp dir for Galera", e);
        }
        GaleraCluster cluster = new GaleraCluster(baseDir, mariadbd);
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            for (int i = 1; i <= size; i++) {
                cluster.nodes.add(cluster.new Node(i, FreePort.next(), FreePort.next(), FreePort.next(),
                        FreePort.next()));
            }
            for (Node n : cluster.nodes) {
                n.install(installDb);
            }
            cluster.nodes.get(0).start(true);
            for (Node n : cluster.nodes.subList(1, size)) {
                n.start(false);
            }
            cluster.awaitClusterSize(size);
            try (Connection c = cluster.nodes.get(0).connectServer(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE IF NOT EXISTS " + DATABASE
                        + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
            }
            return cluster;
        } catch (RuntimeException | SQLException e) {
            cluster.stopProcesses();
            cluster.removeHook();
            throw new IllegalStateException("Galera cluster did not start: " + e.getMessage() + cluster.logs(), e);
        }
    }

    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    public Node node(int index) {
        return nodes.get(index);
    }

    /**
     * A JDBC URL naming every node for MariaDB Connector/J's {@code sequential} failover: all connections go to the
     * first node that answers, and move on to the next when it fails, which is what the chart recommends for a
     * Galera cluster (one writer node at a time, no certification conflicts between our own connections).
     */
    public String sequentialJdbcUrl() {
        return "jdbc:mariadb:sequential://" + nodes.stream().map(n -> "127.0.0.1:" + n.port)
                .collect(Collectors.joining(",")) + "/" + DATABASE;
    }

    /**
     * A replica's JDBC URL: {@code sequential} failover over {@code order}, with connect and answer timeouts so that
     * a node that vanished is left within seconds. Two replicas given different orders write through two nodes.
     */
    public static String replicaJdbcUrl(List<Node> order) {
        return "jdbc:mariadb:sequential://" + order.stream().map(n -> "127.0.0.1:" + n.port)
                .collect(Collectors.joining(",")) + "/" + DATABASE + "?connectTimeout=2000&socketTimeout=10000";
    }

    /** Waits until every running, non-isolated node reports a primary component of {@code size} nodes. */
    public void awaitClusterSize(int size) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            boolean all = true;
            StringBuilder seen = new StringBuilder();
            for (Node n : nodes) {
                if (!n.isRunning() || n.isolated) {
                    continue;
                }
                String state = n.status();
                seen.append(n.name).append('=').append(state).append(' ');
                all &= state.equals("Primary/" + size + "/Synced");
            }
            if (all) {
                return;
            }
            last = seen.toString();
            sleep(Duration.ofMillis(300));
        }
        throw new IllegalStateException("Galera cluster not at size " + size + " within " + READY_TIMEOUT.toSeconds()
                + " s: " + last + logs());
    }

    /**
     * Every node stopped cleanly, then started again: the one stopped last holds the newest state and is marked safe
     * to bootstrap in its grastate.dat, so it starts a new cluster and the others join it.
     */
    public void restartAll() {
        List<Node> order = new ArrayList<>(nodes);
        for (Node n : order) {
            n.stop();
        }
        Node last = order.get(order.size() - 1);
        last.start(true);
        for (Node n : order.subList(0, order.size() - 1)) {
            n.start(false);
        }
        awaitClusterSize(nodes.size());
    }

    public String logs() {
        StringBuilder b = new StringBuilder();
        for (Node n : nodes) {
            b.append("\n--- ").append(n.name).append(" ---").append(Processes.describeLog(n.log));
        }
        return b.toString();
    }

    @Override
    public void close() {
        stopProcesses();
        removeHook();
        Processes.deleteTree(baseDir);
    }

    private void stopProcesses() {
        for (Node n : nodes) {
            n.stop();
        }
    }

    private void destroyQuietly() {
        for (Node n : nodes) {
            n.killQuietly();
        }
        Processes.deleteTree(baseDir);
    }

    private void removeHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // JVM already shutting down: the hook runs anyway.
        }
    }

    private String clusterAddress() {
        return "gcomm://" + nodes.stream().map(n -> "127.0.0.1:" + n.gcommPort).collect(Collectors.joining(","));
    }

    /** One mariadbd of the cluster. */
    public final class Node {

        private final String name;
        private final int port;
        private final int gcommPort;
        private final int istPort;
        private final int sstPort;
        private final Path dir;
        private final Path dataDir;
        private final Path log;
        private Process process;
        private volatile boolean isolated;

        Node(int index, int port, int gcommPort, int istPort, int sstPort) {
            this.name = "n" + index;
            this.port = port;
            this.gcommPort = gcommPort;
            this.istPort = istPort;
            this.sstPort = sstPort;
            this.dir = baseDir.resolve(name);
            this.dataDir = dir.resolve("data");
            this.log = dir.resolve("mariadbd.log");
        }

        public String name() {
            return name;
        }

        public int port() {
            return port;
        }

        public String jdbcUrl() {
            return "jdbc:mariadb://127.0.0.1:" + port + "/" + DATABASE;
        }

        public synchronized boolean isRunning() {
            return process != null && process.isAlive();
        }

        public Connection connect() throws SQLException {
            return GaleraCluster.connect(jdbcUrl());
        }

        Connection connectServer() throws SQLException {
            return GaleraCluster.connect("jdbc:mariadb://127.0.0.1:" + port + "/");
        }

        /** {@code wsrep_cluster_status/wsrep_cluster_size/wsrep_local_state_comment}, e.g. "Primary/3/Synced". */
        public String status() {
            try (Connection c = connectServer(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SHOW STATUS WHERE Variable_name IN ('wsrep_cluster_status',"
                            + "'wsrep_cluster_size','wsrep_local_state_comment')")) {
                Map<String, String> v = new java.util.HashMap<>();
                while (rs.next()) {
                    v.put(rs.getString(1), rs.getString(2));
                }
                return v.get("wsrep_cluster_status") + "/" + v.get("wsrep_cluster_size") + "/"
                        + v.get("wsrep_local_state_comment");
            } catch (SQLException e) {
                return "unreachable";
            }
        }

        /** Starts the node again (joins the running cluster; IST or SST) and waits until it is synced. */
        public void start() {
            start(false);
            awaitClusterSize(nodes.size());
        }

        /** Clean stop (SIGTERM; SIGKILL after 30 s). */
        public synchronized void stop() {
            if (process != null) {
                Processes.terminate(process, STOP_GRACE);
                process = null;
            }
        }

        /** {@code kill -9}: no clean shutdown, the others see it vanish. */
        public synchronized void kill() {
            if (process != null) {
                process.destroyForcibly();
                Processes.waitQuietly(process, Duration.ofSeconds(10));
                process = null;
            }
        }

        /** Cuts the node off from the others: it stays up for SQL clients, in a non-primary component of its own. */
        public void isolate() throws SQLException {
            isolated = true;
            setProviderOption("gmcast.isolate=1");
        }

        /** Ends {@link #isolate()}: the node reconnects, catches up by IST and is synced again. */
        public void rejoin() throws SQLException {
            setProviderOption("gmcast.isolate=0");
            isolated = false;
            awaitClusterSize(nodes.size());
        }

        private void setProviderOption(String option) throws SQLException {
            try (Connection c = connectServer(); Statement s = c.createStatement()) {
                s.execute("SET GLOBAL wsrep_provider_options = '" + option + "'");
            }
        }

        void install(Path installDb) {
            try {
                Files.createDirectories(dir.resolve("tmp"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            chownMysql(dir);
            int rc = Processes.run(List.of(installDb.toString(), "--no-defaults", "--datadir=" + dataDir,
                    "--user=mysql", "--auth-root-authentication-method=normal", "--skip-test-db"), Map.of(), dir,
                    dir.resolve("install.log"), INSTALL_TIMEOUT);
            if (rc != 0) {
                throw new IllegalStateException("mariadb-install-db failed with exit " + rc
                        + Processes.describeLog(dir.resolve("install.log")));
            }
            chownMysql(dir);
        }

        synchronized void start(boolean bootstrap) {
            if (isRunning()) {
                return;
            }
            List<String> command = new ArrayList<>(List.of(mariadbd.toString(),
                    "--no-defaults",
                    "--datadir=" + dataDir,
                    "--socket=" + dir.resolve("mysqld.sock"),
                    "--pid-file=" + dir.resolve("mariadbd.pid"),
                    "--tmpdir=" + dir.resolve("tmp"),
                    "--port=" + port,
                    "--bind-address=127.0.0.1",
                    "--user=mysql",
                    "--skip-name-resolve",
                    "--innodb-buffer-pool-size=64M",
                    "--innodb-flush-log-at-trx-commit=" + (Boolean.getBoolean("bench.durable") ? "1" : "2"),
                    "--character-set-server=utf8mb4",
                    "--collation-server=utf8mb4_unicode_ci",
                    "--binlog-format=ROW",
                    "--default-storage-engine=InnoDB",
                    "--innodb-autoinc-lock-mode=2",
                    "--wsrep-on=ON",
                    "--wsrep-provider=/usr/lib/galera/libgalera_smm.so",
                    "--wsrep-cluster-name=portcullis-test",
                    "--wsrep-cluster-address=" + clusterAddress(),
                    "--wsrep-node-name=" + name,
                    "--wsrep-node-address=127.0.0.1:" + gcommPort,
                    // Small gcache: a node that missed more than this rejoins by SST, less by IST.
                    "--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:" + gcommPort
                            + ";ist.recv_addr=127.0.0.1:" + istPort + ";gcache.size=64M"
                            // Notice a vanished peer in ~3 s instead of the default ~10 s.
                            + ";evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S;evs.install_timeout=PT4S",
                    "--wsrep-sst-method=rsync",
                    "--wsrep-sst-receive-address=127.0.0.1:" + sstPort,
                    "--wsrep-slave-threads=2"));
            if (bootstrap) {
                command.add("--wsrep-new-cluster");
                markSafeToBootstrap();
            }
            process = Processes.start(command, Map.of(), dir, log);
            awaitReady();
        }

        private void markSafeToBootstrap() {
            Path grastate = dataDir.resolve("grastate.dat");
            if (Files.exists(grastate)) {
                try {
                    Files.writeString(grastate, Files.readString(grastate)
                            .replace("safe_to_bootstrap: 0", "safe_to_bootstrap: 1"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }

        private void awaitReady() {
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue()
                            + Processes.describeLog(log));
                }
                if (status().endsWith("/Synced")) {
                    return;
                }
                sleep(Duration.ofMillis(300));
            }
            throw new IllegalStateException(name + " not synced within " + READY_TIMEOUT.toSeconds() + " s: "
                    + status() + Processes.describeLog(log));
        }

        synchronized void killQuietly() {
            if (process != null) {
                process.destroyForcibly();
            }
        }

        @Override
        public String toString() {
            return name + "[" + port + "]";
        }
    }

    private static void chownMysql(Path path) {
        int rc = Processes.run(List.of("chown", "-R", "mysql:mysql", path.toString()), Map.of(), path.getParent(),
                path.getParent().resolve("chown-" + path.getFileName() + ".log"), Duration.ofSeconds(30));
        if (rc != 0) {
            throw new IllegalStateException("chown mysql " + path + " failed with exit " + rc);
        }
    }

    static Connection connect(String url) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", USERNAME);
        props.setProperty("password", PASSWORD);
        props.setProperty("connectTimeout", "1000");
        Connection c = new org.mariadb.jdbc.Driver().connect(url, props);
        if (c == null) {
            throw new SQLException("MariaDB driver rejected URL " + url);
        }
        return c;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Galera", e);
        }
    }
}
