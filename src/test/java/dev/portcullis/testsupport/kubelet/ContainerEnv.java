package dev.portcullis.testsupport.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A container's environment as the kubelet computes it: {@code envFrom} first (ConfigMaps and Secrets, with their
 * prefix), then {@code env} in order, each {@code value} with {@code $(VAR)} expanded from what is defined before it
 * ({@code $$} for a literal {@code $}, unknown references left as they are), {@code valueFrom} from a Secret's or
 * ConfigMap's key or from the pod's fields.
 */
public final class ContainerEnv {

    private ContainerEnv() {
    }

    /** The environment of {@code container}; {@code fields} answers {@code fieldRef} paths (metadata.name, ...). */
    public static Map<String, String> of(Container container, Manifests manifests, Map<String, String> fields) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : container.getEnvFrom()) {
            String prefix = from.getPrefix() == null ? "" : from.getPrefix();
            Map<String, byte[]> values = from.getConfigMapRef() != null
                    ? manifests.configMap(from.getConfigMapRef().getName())
                    : manifests.secret(from.getSecretRef().getName());
            values.forEach((k, v) -> env.put(prefix + k, Manifests.text(v)));
        }
        for (EnvVar var : container.getEnv()) {
            env.put(var.getName(), var.getValueFrom() == null
                    ? expand(var.getValue() == null ? "" : var.getValue(), env)
                    : valueFrom(var.getName(), var.getValueFrom(), manifests, fields));
        }
        return env;
    }

    /** command or args with {@code $(VAR)} expanded from the container's environment, as the kubelet does. */
    public static List<String> expandAll(List<String> words, Map<String, String> env) {
        List<String> out = new ArrayList<>(words.size());
        words.forEach(w -> out.add(expand(w, env)));
        return out;
    }

    /** Kubernetes' expansion: {@code $(NAME)} of a defined variable, {@code $$} to {@code $}, the rest verbatim. */
    public static String expand(String text, Map<String, String> env) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '$') {
                out.append('$');
                i++;
            } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '(') {
                int close = text.indexOf(')', i + 2);
                String name = close < 0 ? null : text.substring(i + 2, close);
                if (name != null && env.containsKey(name)) {
                    out.append(env.get(name));
                    i = close;
                } else {
                    out.append(c);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String valueFrom(String name, EnvVarSource from, Manifests manifests, Map<String, String> fields) {
        if (from.getSecretKeyRef() != null) {
            return required(manifests.secret(from.getSecretKeyRef().getName()), from.getSecretKeyRef().getKey(),
                    "Secret " + from.getSecretKeyRef().getName(), name);
        }
        if (from.getConfigMapKeyRef() != null) {
            return required(manifests.configMap(from.getConfigMapKeyRef().getName()),
                    from.getConfigMapKeyRef().getKey(), "ConfigMap " + from.getConfigMapKeyRef().getName(), name);
        }
        if (from.getFieldRef() != null) {
            String value = fields.get(from.getFieldRef().getFieldPath());
            if (value == null) {
                throw new IllegalStateException(name + ": fieldRef " + from.getFieldRef().getFieldPath()
                        + " is not one the harness knows: " + fields.keySet());
            }
            return value;
        }
        throw new IllegalStateException(name + ": valueFrom " + from + " is not supported by the harness");
    }

    private static String required(Map<String, byte[]> values, String key, String where, String name) {
        byte[] value = values.get(key);
        if (value == null) {
            throw new IllegalStateException(name + ": no key " + key + " in " + where);
        }
        return Manifests.text(value);
    }
}
