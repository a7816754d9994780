package dev.portcullis.testsupport.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ingress-nginx's annotations, as the harness's nginx is given them. */
class IngressNginxTest {

    @Test
    void withoutAnnotationsIngressNginxDefaultsApply() {
        assertEquals(List.of("client_max_body_size 1m", "proxy_request_buffering on", "proxy_read_timeout 60s",
                "proxy_send_timeout 60s", "proxy_connect_timeout 5s"), IngressNginx.directives(Map.of()));
    }

    @Test
    void theRegistryAnnotationsLiftTheBodyLimitAndBufferingAndLengthenTheTimeouts() {
        assertEquals(List.of("client_max_body_size 0", "proxy_request_buffering off", "proxy_read_timeout 600s",
                "proxy_send_timeout 600s", "proxy_connect_timeout 5s"), IngressNginx.directives(Map.of(
                        "nginx.ingress.kubernetes.io/proxy-body-size", "0",
                        "nginx.ingress.kubernetes.io/proxy-request-buffering", "off",
                        "nginx.ingress.kubernetes.io/proxy-read-timeout", "600",
                        "nginx.ingress.kubernetes.io/proxy-send-timeout", "600",
                        "cert-manager.io/cluster-issuer", "letsencrypt")));
    }

    @Test
    void anAnnotationTheHarnessCannotTranslateFails() {
        assertThrows(IllegalStateException.class, () -> IngressNginx.directives(Map.of(
                "nginx.ingress.kubernetes.io/ssl-redirect", "true")));
    }
}
