package dev.portcullis.access.directory;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.PostConnectProcessor;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.SingleServerSet;
import com.unboundid.ldap.sdk.StartTLSPostConnectProcessor;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;
import com.unboundid.util.ssl.JVMDefaultTrustManager;
import com.unboundid.util.ssl.PEMFileTrustManager;
import com.unboundid.util.ssl.SSLUtil;
import dev.portcullis.config.Ldap;
import dev.portcullis.core.Refusal;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import org.jboss.logging.Logger;

/**
 * The company's LDAP directory, through the UnboundID LDAP SDK: search for the person with the service account, then
 * bind as the person found (search-then-bind), then read their groups. Values typed by users go into filters only
 * escaped per RFC 4515 ({@link Filter#encodeValue}); every connect and every operation has a timeout, so a directory
 * that is down or hangs answers {@link Refusal.Unavailable} quickly, never a wait.
 *
 * <p>Plain class, built from the settings (tests build it directly); {@link LdapSignIn} holds the one instance.
 */
public final class LdapDirectory implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LdapDirectory.class);

    private final Ldap settings;
    private final LDAPConnectionPool pool;
    /** Binds as a person, decoys included: what the verified-password cache saves. */
    private final AtomicLong binds = new AtomicLong();
    /** A name no entry has, bound to when nobody is found: an unknown name costs a bind like a known one. */
    private final String decoyDn;

    public LdapDirectory(Ldap settings) {
        this.settings = settings;
        URI url = settings.url().orElseThrow(() -> new IllegalStateException("portcullis.ldap.url is required"));
        String base = settings.userBaseDn()
                .orElseThrow(() -> new IllegalStateException("portcullis.ldap.user-base-dn is required"));
        this.decoyDn = "cn=portcullis-decoy-" + UUID.randomUUID() + "," + base;
        boolean ldaps = "ldaps".equalsIgnoreCase(url.getScheme());
        if (!ldaps && !"ldap".equalsIgnoreCase(url.getScheme())) {
            throw new IllegalStateException("portcullis.ldap.url must be ldap:// or ldaps://");
        }
        LDAPConnectionOptions options = new LDAPConnectionOptions();
        options.setConnectTimeoutMillis((int) settings.connectTimeout().toMillis());
        options.setResponseTimeoutMillis(settings.responseTimeout().toMillis());
        options.setBindWithDNRequiresPassword(true); // never an unauthenticated bind (RFC 4513 §5.1.2)
        options.setSSLSocketVerifier(new HostNameSSLSocketVerifier(true));
        options.setAbandonOnTimeout(true);
        try {
            SSLSocketFactory tls = ldaps || settings.startTls() ? tls(settings) : null;
            SocketFactory sockets = ldaps ? tls : SocketFactory.getDefault();
            PostConnectProcessor startTls = settings.startTls() && !ldaps ? new StartTLSPostConnectProcessor(tls) : null;
            int port = url.getPort() > 0 ? url.getPort() : ldaps ? 636 : 389;
            SimpleBindRequest service = settings.bindDn().isPresent()
                    ? new SimpleBindRequest(settings.bindDn().get(),
                            settings.bindPassword().map(p -> p.reveal()).orElseThrow(() ->
                                    new IllegalStateException("portcullis.ldap.bind-password is required")))
                    : null;
            // No connection at start (throwOnConnectFailure false): a directory down while we start is met per request.
            pool = new LDAPConnectionPool(new SingleServerSet(url.getHost(), port, sockets, options), service, 0,
                    Math.max(1, settings.poolSize()), 1, startTls, false);
            pool.setCreateIfNecessary(true);
            pool.setMaxWaitTimeMillis(settings.connectTimeout().toMillis());
            pool.setRetryFailedOperationsDueToInvalidConnections(true);
            pool.setConnectionPoolName("portcullis-ldap");
        } catch (LDAPException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up the LDAP client: " + e.getMessage(), e);
        }
    }

    /**
     * The person with this name and password, with their groups; empty for a wrong name or password (or a name the
     * user filter does not find: a disabled person).
     */
    public Optional<DirectoryPerson> authenticate(String username, String password) {
        if (password == null || password.isEmpty()) {
            return Optional.empty();
        }
        SearchResultEntry entry = findEntry(username);
        binds.incrementAndGet();
        try {
            pool.bindAndRevertAuthentication(entry == null ? decoyDn : entry.getDN(), password);
        } catch (LDAPException e) {
            if (unreachable(e.getResultCode())) {
                throw down(e);
            }
            LOG.debugf("directory bind refused for a name (%s)", e.getResultCode());
            return Optional.empty();
        }
        return entry == null ? Optional.empty() : Optional.of(person(entry));
    }

    /** The person as the directory shows them now (for the sync), without a password; empty when gone or disabled. */
    public Optional<DirectoryPerson> lookup(String username) {
        SearchResultEntry entry = findEntry(username);
        return entry == null ? Optional.empty() : Optional.of(person(entry));
    }

    public long binds() {
        return binds.get();
    }

    private SearchResultEntry findEntry(String username) {
        String filter = settings.userFilter().replace("{0}", Filter.encodeValue(username));
        List<SearchResultEntry> found = search(settings.userBaseDn().orElseThrow(), filter, 2,
                settings.usernameAttribute(), settings.emailAttribute(), settings.displayNameAttribute());
        if (found.size() > 1) {
            LOG.warnf("the LDAP user filter finds more than one entry for a name: nobody signs in with it");
            return null;
        }
        return found.isEmpty() ? null : found.get(0);
    }

    private DirectoryPerson person(SearchResultEntry entry) {
        String name = Optional.ofNullable(entry.getAttributeValue(settings.usernameAttribute()))
                .orElse("").toLowerCase(Locale.ROOT);
        Set<String> groups = new LinkedHashSet<>();
        if (settings.groupBaseDn().isPresent()) {
            String filter = settings.groupFilter().replace("{0}", Filter.encodeValue(entry.getDN()));
            for (SearchResultEntry group : search(settings.groupBaseDn().get(), filter, 1000,
                    settings.groupNameAttribute())) {
                groups.add(normalizedDn(group.getDN()));
                String groupName = group.getAttributeValue(settings.groupNameAttribute());
                if (groupName != null) {
                    groups.add(groupName.toLowerCase(Locale.ROOT));
                }
            }
        }
        return new DirectoryPerson(entry.getDN(), name, entry.getAttributeValue(settings.emailAttribute()),
                entry.getAttributeValue(settings.displayNameAttribute()), groups);
    }

    private List<SearchResultEntry> search(String base, String filter, int sizeLimit, String... attributes) {
        try {
            SearchRequest request = new SearchRequest(base, SearchScope.SUB, Filter.create(filter), attributes);
            request.setSizeLimit(sizeLimit);
            request.setTimeLimitSeconds((int) Math.max(1, settings.responseTimeout().toSeconds()));
            return pool.search(request).getSearchEntries();
        } catch (LDAPSearchException e) {
            if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
                return e.getSearchEntries(); // as many as the limit: enough to tell "more than one"
            }
            return refused(e);
        } catch (LDAPException e) {
            return refused(e);
        }
    }

    private static List<SearchResultEntry> refused(LDAPException e) {
        if (e.getResultCode() == ResultCode.NO_SUCH_OBJECT) {
            return List.of();
        }
        if (unreachable(e.getResultCode())) {
            throw down(e);
        }
        // The service account refused, a filter the directory cannot read: the operator's to fix, and no one is in.
        LOG.errorf("the LDAP search failed (%s): %s", e.getResultCode(), e.getDiagnosticMessage());
        throw Refusal.unavailable("the directory refused the search; see the server log");
    }

    /** A DN as the mappings compare it: normalized by the SDK (case, spaces), or lower-cased if it does not parse. */
    public static String normalizedDn(String dn) {
        try {
            return new DN(dn).toNormalizedString();
        } catch (LDAPException e) {
            return dn.toLowerCase(Locale.ROOT);
        }
    }

    private static boolean unreachable(ResultCode code) {
        return code == ResultCode.SERVER_DOWN || code == ResultCode.CONNECT_ERROR || code == ResultCode.TIMEOUT
                || code == ResultCode.UNAVAILABLE || code == ResultCode.BUSY || code == ResultCode.LOCAL_ERROR
                || !code.isConnectionUsable();
    }

    private static Refusal down(LDAPException e) {
        LOG.warnf("the LDAP directory cannot be reached: %s", e.getResultCode());
        return Refusal.unavailable("the directory cannot be reached, retry later");
    }

    private static SSLSocketFactory tls(Ldap settings) throws GeneralSecurityException {
        TrustManager trust = settings.caFile().isPresent()
                ? new PEMFileTrustManager(settings.caFile().get().toFile())
                : JVMDefaultTrustManager.getInstance();
        return new SSLUtil(trust).createSSLSocketFactory();
    }

    @Override
    public void close() {
        pool.close();
    }
}
