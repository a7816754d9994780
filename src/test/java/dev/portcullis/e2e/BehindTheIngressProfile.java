package dev.portcullis.e2e;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Portcullis as the chart runs it behind its ingress: forwarded headers honoured from the proxy's address only
 * (127.0.0.1, where the test's nginx connects from), and the per-address allowance of failed sign-ins at its
 * default, which the rest of the suite raises because all its clients share 127.0.0.1.
 */
public class BehindTheIngressProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "quarkus.http.proxy.proxy-address-forwarding", "true",
                "quarkus.http.proxy.allow-x-forwarded", "true",
                "quarkus.http.proxy.enable-forwarded-host", "true",
                "quarkus.http.proxy.trusted-proxies", "127.0.0.1",
                "portcullis.login.free-failures-per-address", "50");
    }
}
