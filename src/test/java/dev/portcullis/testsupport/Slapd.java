package dev.portcullis.testsupport;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Debian's OpenLDAP {@code slapd} with a configuration of its own (cn=config in its own directory, converted from a
 * slapd.conf by {@code slaptest}), one suffix, a service account that may read, people (inetOrgPerson) and groups
 * (groupOfNames) from an LDIF, and a certificate from {@link TestCa} for StartTLS. Listens on a free loopback port;
 * never touches a system slapd. {@link #pause()} freezes it (SIGSTOP), so a client meets a directory that accepts
 * connections and never answers, the worst kind of outage; {@link #stopProcess()} takes it away altogether.
 */
public final class Slapd implements AutoCloseable {

    public static final String SUFFIX = "dc=example,dc=org";
    public static final String ROOT_DN = "cn=admin," + SUFFIX;
    public static final String ROOT_PASSWORD = "root-secret";
    public static final String READER_DN = "cn=reader,ou=services," + SUFFIX;
    public static final String READER_PASSWORD = "reader-secret";
    public static final String PEOPLE = "ou=people," + SUFFIX;
    public static final String GROUPS = "ou=groups," + SUFFIX;

    private final Path dir;
    private final int port;
    private final Path slapd;
    private final TestCa ca;
    private Process process;

    private Slapd(Path dir, int port, Path slapd, TestCa ca) {
        this.dir = dir;
        this.port = port;
        this.slapd = slapd;
        this.ca = ca;
    }

    /** A started directory holding {@code ldif} (entries under {@link #SUFFIX}, the suffix itself is added here). */
    public static Slapd start(String ldif) {
        Path slapd = DebianPackages.require("slapd", "slapd");
        Path slaptest = DebianPackages.require("slaptest", "slapd");
        Path slapadd = DebianPackages.require("slapadd", "slapd");
        try {
            Path dir = Files.createDirectories(Path.of("target", "slapd").toAbsolutePath())
                    .resolve("slapd-" + System.nanoTime());
            Files.createDirectories(dir.resolve("config"));
            Files.createDirectories(dir.resolve("data"));
            TestCa ca = TestCa.create();
            TestCa.Issued cert = ca.issue(dir, "server", "127.0.0.1", "localhost");
            Slapd server = new Slapd(dir, FreePort.next(), slapd, ca);
            Files.writeString(dir.resolve("slapd.conf"), server.conf(cert.certificate(), sec1(cert.key(), dir)));
            Files.writeString(dir.resolve("data.ldif"), base() + ldif);
            Path log = dir.resolve("slapd.log");
            // The entries first (slapadd makes the database), then slaptest turns slapd.conf into the cn=config
            // directory slapd runs from (it opens the database, so it must exist by then).
            run(List.of(slapadd.toString(), "-f", dir.resolve("slapd.conf").toString(), "-b", SUFFIX, "-l",
                    dir.resolve("data.ldif").toString()), log);
            run(List.of(slaptest.toString(), "-f", dir.resolve("slapd.conf").toString(), "-F",
                    dir.resolve("config").toString()), log);
            server.startProcess();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare slapd", e);
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "ldap://127.0.0.1:" + port;
    }

    public TestCa ca() {
        return ca;
    }

    /** The CA's certificate as a PEM file, as an operator hands it to Portcullis. */
    public Path caFile() {
        Path file = dir.resolve("ca.crt");
        try {
            if (!Files.exists(file)) {
                Files.writeString(file, ca.certificatePem());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    public synchronized void startProcess() {
        Path log = dir.resolve("slapd.log");
        // -d keeps it in the foreground (so the test owns the process); level 0 logs nothing but errors.
        process = Processes.start(List.of(slapd.toString(), "-d", "0", "-F", dir.resolve("config").toString(),
                "-h", url() + "/"), Map.of(), dir, log);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("slapd exited with " + process.exitValue()
                        + Processes.describeLog(log));
            }
            try (LDAPConnection c = new LDAPConnection("127.0.0.1", port)) {
                return;
            } catch (LDAPException e) {
                sleep(100);
            }
        }
        throw new IllegalStateException("slapd did not answer on " + url() + Processes.describeLog(log));
    }

    public synchronized void stopProcess() {
        Processes.terminate(process, Duration.ofSeconds(10));
        process = null;
    }

    /** SIGSTOP: the port still accepts connections (the kernel's backlog), nothing answers. */
    public synchronized void pause() {
        signal("STOP");
    }

    public synchronized void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        Processes.run(List.of("kill", "-" + name, Long.toString(process.pid())), Map.of(), dir, dir.resolve("kill.log"),
                Duration.ofSeconds(10));
    }

    /** Changes entries as the directory's administrator (the test's hand on the company directory). */
    public void modify(String dn, ModificationType type, String attribute, String... values) {
        try (LDAPConnection c = new LDAPConnection("127.0.0.1", port, ROOT_DN, ROOT_PASSWORD)) {
            c.modify(dn, new Modification(type, attribute, values));
        } catch (LDAPException e) {
            throw new IllegalStateException("cannot modify " + dn + ": " + e.getMessage(), e);
        }
    }

    public void delete(String dn) {
        try (LDAPConnection c = new LDAPConnection("127.0.0.1", port, ROOT_DN, ROOT_PASSWORD)) {
            c.delete(dn);
        } catch (LDAPException e) {
            throw new IllegalStateException("cannot delete " + dn + ": " + e.getMessage(), e);
        }
    }

    /** Adds an entry given as LDIF lines. */
    public void add(String... ldifLines) {
        try (LDAPConnection c = new LDAPConnection("127.0.0.1", port, ROOT_DN, ROOT_PASSWORD)) {
            c.add(ldifLines);
        } catch (LDAPException | com.unboundid.ldif.LDIFException e) {
            throw new IllegalStateException("cannot add " + ldifLines[0] + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        stopProcess();
    }

    /** A person's entry, as LDIF. */
    public static String person(String uid, String password, String mail, String displayName) {
        return "dn: uid=" + uid + "," + PEOPLE + "\nobjectClass: inetOrgPerson\nuid: " + uid + "\ncn: " + displayName
                + "\nsn: " + uid + "\nmail: " + mail + "\ndisplayName: " + displayName + "\nuserPassword: " + password
                + "\n\n";
    }

    /** A group of people, as LDIF (groupOfNames needs one member at least). */
    public static String group(String cn, String... memberUids) {
        StringBuilder ldif = new StringBuilder("dn: cn=" + cn + "," + GROUPS + "\nobjectClass: groupOfNames\ncn: " + cn
                + "\n");
        for (String uid : memberUids) {
            ldif.append("member: uid=").append(uid).append(',').append(PEOPLE).append('\n');
        }
        return ldif.append('\n').toString();
    }

    public static String personDn(String uid) {
        return "uid=" + uid + "," + PEOPLE;
    }

    public static String groupDn(String cn) {
        return "cn=" + cn + "," + GROUPS;
    }

    private static String base() {
        return "dn: " + SUFFIX + "\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n"
                + "dn: ou=people," + SUFFIX + "\nobjectClass: organizationalUnit\nou: people\n\n"
                + "dn: ou=groups," + SUFFIX + "\nobjectClass: organizationalUnit\nou: groups\n\n"
                + "dn: ou=services," + SUFFIX + "\nobjectClass: organizationalUnit\nou: services\n\n"
                + "dn: " + READER_DN + "\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\n"
                + "cn: reader\nuserPassword: " + READER_PASSWORD + "\n\n";
    }

    /**
     * The key as SEC1 ({@code EC PRIVATE KEY}): slapd's GnuTLS cannot read the JDK's PKCS#8 encoding of an EC key
     * ("ASN1 parser: Element was not found").
     */
    private static Path sec1(Path pkcs8, Path dir) {
        Path openssl = DebianPackages.require("openssl", "openssl");
        Path file = dir.resolve("server-sec1.key");
        run(List.of(openssl.toString(), "ec", "-in", pkcs8.toString(), "-out", file.toString()),
                dir.resolve("openssl.log"));
        return file;
    }

    private String conf(Path certificate, Path key) {
        return """
                include /etc/ldap/schema/core.schema
                include /etc/ldap/schema/cosine.schema
                include /etc/ldap/schema/inetorgperson.schema
                modulepath /usr/lib/ldap
                moduleload back_mdb
                pidfile %1$s/slapd.pid
                TLSCertificateFile %2$s
                TLSCertificateKeyFile %3$s
                disallow bind_anon
                database config
                rootdn "gidNumber=0+uidNumber=0,cn=peercred,cn=external,cn=auth"
                database mdb
                suffix "%4$s"
                rootdn "%5$s"
                rootpw %6$s
                directory %1$s/data
                access to attrs=userPassword by anonymous auth by * none
                access to * by dn.exact="%7$s" read by self read by * none
                """.formatted(dir, certificate, key, SUFFIX, ROOT_DN, ROOT_PASSWORD, READER_DN);
    }

    private static void run(List<String> command, Path log) {
        int rc = Processes.run(command, Map.of(), null, log, Duration.ofSeconds(60));
        if (rc != 0) {
            throw new IllegalStateException(command.get(0) + " failed with " + rc + Processes.describeLog(log));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
