package dev.portcullis.testsupport.kubelet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an Ingress's {@code nginx.ingress.kubernetes.io/*} annotations mean in nginx's own configuration, as
 * ingress-nginx translates them, starting from ingress-nginx's defaults (a body limit of 1m, buffered requests,
 * 60 s timeouts) so that an annotation left out has the effect it has there. An annotation this mapping does not
 * know fails: the test must not pass with a setting it silently dropped.
 */
public final class IngressNginx {

    private static final String PREFIX = "nginx.ingress.kubernetes.io/";

    private IngressNginx() {
    }

    /** nginx directives (without the semicolon) for a server with these annotations. */
    public static List<String> directives(Map<String, String> annotations) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("client_max_body_size", "1m");
        out.put("proxy_request_buffering", "on");
        out.put("proxy_read_timeout", "60s");
        out.put("proxy_send_timeout", "60s");
        out.put("proxy_connect_timeout", "5s");
        if (annotations != null) {
            annotations.forEach((key, value) -> {
                if (!key.startsWith(PREFIX)) {
                    return; // cert-manager's and others' are not nginx's business
                }
                switch (key.substring(PREFIX.length())) {
                    case "proxy-body-size" -> out.put("client_max_body_size", value);
                    case "proxy-request-buffering" -> out.put("proxy_request_buffering", value);
                    case "proxy-buffering" -> out.put("proxy_buffering", value);
                    case "proxy-read-timeout" -> out.put("proxy_read_timeout", value + "s");
                    case "proxy-send-timeout" -> out.put("proxy_send_timeout", value + "s");
                    case "proxy-connect-timeout" -> out.put("proxy_connect_timeout", value + "s");
                    default -> throw new IllegalStateException("ingress-nginx annotation " + key
                            + " is not mapped to nginx by the harness");
                }
            });
        }
        List<String> directives = new ArrayList<>();
        out.forEach((k, v) -> directives.add(k + " " + v));
        return directives;
    }
}
