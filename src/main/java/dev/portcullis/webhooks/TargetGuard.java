package dev.portcullis.webhooks;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Keeps webhooks from being used to reach what only the cluster should (SSRF): loopback, link-local (the cloud
 * metadata address among them), private IPv4 ranges, IPv6 unique-local, multicast and the unspecified address.
 * Checked when a webhook is saved and again right before each delivery against what the host name resolves to
 * then, so a name that later resolves inside (DNS rebinding) is refused too. The JDK's resolver cache (30 s)
 * hands the HTTP client the same answer the check saw.
 */
public final class TargetGuard {

    private TargetGuard() {
    }

    /** Why the URL may not be a webhook's target at all (scheme, form), whatever it resolves to; empty: fine. */
    public static Optional<String> badUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            return Optional.of("not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of("only http and https URLs");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return Optional.of("the URL names no host");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("credentials go in a custom header (Authorization), not in the URL");
        }
        return Optional.empty();
    }

    /**
     * Why a delivery to this URL is refused now, resolving its host; empty: every address it resolves to is public.
     * @param allowPrivate the operator's {@code portcullis.webhooks.allow-private-targets}
     */
    public static Optional<String> refused(String url, boolean allowPrivate) {
        Optional<String> bad = badUrl(url);
        if (bad.isPresent() || allowPrivate) {
            return bad;
        }
        String host = URI.create(url).getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return Optional.of("the host name does not resolve");
        }
        for (InetAddress address : addresses) {
            if (internal(address)) {
                return Optional.of("the host resolves to an internal address (" + address.getHostAddress()
                        + "); an admin setting allows private targets");
            }
        }
        return Optional.empty();
    }

    /** Addresses a webhook may not reach unless allowed. */
    static boolean internal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            // fc00::/7 unique-local; an IPv4-mapped address is judged as the IPv4 address it carries.
            if ((b[0] & 0xfe) == 0xfc) {
                return true;
            }
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return internal(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
            return false;
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        // 0.0.0.0/8 "this network", 100.64.0.0/10 carrier-grade NAT (often a cluster's pod range).
        return first == 0 || first == 100 && second >= 64 && second < 128;
    }
}
