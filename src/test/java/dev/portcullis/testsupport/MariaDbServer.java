package dev.portcullis.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A throwaway MariaDB (Debian's mariadbd) in a temp dir on a free loopback port. It never touches the machine's
 * own MariaDB: {@code --no-defaults} skips /etc/mysql, and datadir, socket and port are private.
 * {@link #stopProcess()} / {@link #startProcess()} restart it on the same port and data to simulate an outage.
 */
public final class MariaDbServer implements AutoCloseable {

    public static final String DATABASE = "portcullis";
    public static final String USERNAME = "root";
    public static final String PASSWORD = "";

    private static final Duration INSTALL_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final Path baseDir;
    private final Path dataDir;
    private final Path log;
    private final Path mariadbd;
    private final int port;
    private final Thread shutdownHook;
    private Process process;

    private MariaDbServer(Path baseDir, Path mariadbd, int port) {
        this.baseDir = baseDir;
        this.dataDir = baseDir.resolve("data");
        this.log = baseDir.resolve("mariadbd.log");
        this.mariadbd = mariadbd;
        this.port = port;
        // A crashed or killed test JVM must not leave mariadbd (and its temp dir) behind.
        this.shutdownHook = new Thread(this::destroyQuietly, "mariadb-" + port + "-shutdown");
    }

    /** Initialises a fresh data dir, starts mariadbd, waits until root can connect, creates {@value #DATABASE}. */
    public static MariaDbServer start() {
        Path mariadbd = DebianPackages.require("mariadbd", "mariadb-server");
        Path installDb = DebianPackages.require("mariadb-install-db", "mariadb-server");
        Path baseDir;
        try {
            baseDir = Files.createTempDirectory("portcullis-mariadb-");
            Files.createDirectories(baseDir.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temp dir for MariaDB", e);
        }
        MariaDbServer server = new MariaDbServer(baseDir, mariadbd, FreePort.next());
        Runtime.getRuntime().addShutdownHook(server.shutdownHook);
        try {
            server.installDataDir(installDb);
            server.startProcess();
            server.createDatabase();
            return server;
        } catch (RuntimeException e) {
            // Kill the process but keep the dir: its logs explain the failure.
            server.stopProcess();
            server.removeHook();
            throw e;
        }
    }

    /** JDBC URL of the {@value #DATABASE} database. */
    public String jdbcUrl() {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + DATABASE;
    }

    /** JDBC URL without a database, e.g. for creating further schemas. */
    public String serverJdbcUrl() {
        return "jdbc:mariadb://127.0.0.1:" + port + "/";
    }

    public int port() {
        return port;
    }

    public String username() {
        return USERNAME;
    }

    public String password() {
        return PASSWORD;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return log;
    }

    /** Full mariadbd output so far (all restarts). */
    public String log() {
        return Processes.read(log);
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Opens a new connection as root to {@code jdbcUrl}, bypassing DriverManager (class loader agnostic). */
    public Connection connect() throws SQLException {
        return connect(jdbcUrl());
    }

    /** Simulated outage: stops mariadbd cleanly (SIGTERM, then SIGKILL after 20 s). Data and port are kept. */
    public synchronized void stopProcess() {
        if (process != null) {
            Processes.terminate(process, STOP_GRACE);
            process = null;
        }
    }

    /** Starts mariadbd (again) on the same port and data dir and waits until it accepts connections. */
    public synchronized void startProcess() {
        if (isRunning()) {
            return;
        }
        process = Processes.start(List.of(mariadbd.toString(),
                "--no-defaults",
                "--datadir=" + dataDir,
                "--socket=" + dataDir.resolve("mysqld.sock"),
                "--pid-file=" + baseDir.resolve("mariadbd.pid"),
                "--tmpdir=" + baseDir.resolve("tmp"),
                "--port=" + port,
                "--bind-address=127.0.0.1",
                "--user=root",
                // Fast start, small footprint; root@127.0.0.1 exists, so name resolution is not needed.
                "--skip-name-resolve",
                "--skip-log-bin",
                "--innodb-buffer-pool-size=64M",
                // Tests trade durability for speed; the benchmarks ask for durable commits (-Dbench.durable), as
                // production runs, so that their references and group commit are measured as they would be there.
                "--innodb-flush-log-at-trx-commit=" + (Boolean.getBoolean("bench.durable") ? "1" : "2"),
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_unicode_ci"), Map.of(), baseDir, log);
        awaitReady();
    }

    /** Stops mariadbd and deletes the temp dir. */
    public void stop() {
        stopProcess();
        removeHook();
        Processes.deleteTree(baseDir);
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "MariaDbServer[" + jdbcUrl() + ", dir=" + baseDir + "]";
    }

    private void installDataDir(Path installDb) {
        Path installLog = baseDir.resolve("install.log");
        int rc = Processes.run(List.of(installDb.toString(),
                "--no-defaults",
                "--datadir=" + dataDir,
                "--user=root",
                "--auth-root-authentication-method=normal", // root without password, over TCP too
                "--skip-test-db"), Map.of(), baseDir, installLog, INSTALL_TIMEOUT);
        if (rc != 0) {
            throw new IllegalStateException("mariadb-install-db failed with exit " + rc
                    + Processes.describeLog(installLog));
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mariadbd exited with " + process.exitValue()
                        + " before accepting connections on port " + port + Processes.describeLog(log));
            }
            try (Connection c = connect(serverJdbcUrl())) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            sleep(Duration.ofMillis(200));
        }
        throw new IllegalStateException("mariadbd not accepting connections on port " + port + " within "
                + READY_TIMEOUT.toSeconds() + " s; last error: " + (last == null ? "none" : last.getMessage())
                + Processes.describeLog(log));
    }

    private void createDatabase() {
        try (Connection c = connect(serverJdbcUrl()); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS " + DATABASE
                    + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create database " + DATABASE + ": " + e.getMessage()
                    + Processes.describeLog(log), e);
        }
    }

    private static Connection connect(String url) throws SQLException {
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

    private void destroyQuietly() {
        Process p;
        synchronized (this) {
            p = process;
            process = null;
        }
        if (p != null) {
            Processes.terminate(p, Duration.ofSeconds(5));
        }
        Processes.deleteTree(baseDir);
    }

    private void removeHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // JVM already shutting down: the hook is running or will run, nothing to undo.
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for mariadbd", e);
        }
    }
}
