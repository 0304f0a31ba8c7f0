import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.yaml.snakeyaml.Yaml;

/**
 * helm lint and helm template for CI, with Helm's own Go code (helm-java bundles it as a native
 * library on Maven Central, the one registry here that ships Helm), then checks on the rendered
 * YAML that no schema check would make: what boxd needs from its pod.
 *
 *   java -cp CP HelmCheck.java lint CHART
 *   java -cp CP HelmCheck.java template CHART OUT.yaml [VALUES.yaml...]
 *   java -cp CP HelmCheck.java fails CHART TEXT [VALUES.yaml...]   (rendering must fail with TEXT)
 */
public class HelmCheck {

    public static void main(String[] args) throws Exception {
        Path chart = Path.of(args[1]);
        switch (args[0]) {
            case "lint" -> {
                LintResult r = new Helm(chart).lint().strict().call();
                r.getMessages().forEach(m -> System.out.println("  " + m));
                if (r.isFailed()) {
                    throw new AssertionError("helm lint --strict failed");
                }
            }
            case "template" -> {
                String out = render(chart, args, 3);
                Files.writeString(Path.of(args[2]), out);
                List<String> notes = verify(out);
                notes.forEach(n -> System.out.println("  " + n));
            }
            case "fails" -> {
                try {
                    render(chart, args, 3);
                } catch (RuntimeException e) {
                    if (String.valueOf(e.getMessage()).contains(args[2])) {
                        System.out.println("  failed as expected: " + e.getMessage().strip());
                        return;
                    }
                    throw new AssertionError("failed, but without '" + args[2] + "': " + e.getMessage(), e);
                }
                throw new AssertionError("rendered, but should have failed with '" + args[2] + "'");
            }
            default -> throw new IllegalArgumentException("lint | template | fails");
        }
    }

    static String render(Path chart, String[] args, int firstValues) {
        TemplateCommand t = new Helm(chart).template().withName("boxd").withNamespace("boxd-system")
                .withKubeVersion("1.30.0");
        for (int i = firstValues; i < args.length; i++) {
            t.withValuesFile(Path.of(args[i]));
        }
        return t.call();
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Object node, String... path) {
        Object cur = node;
        for (String p : path) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = m.get(p);
        }
        return (T) cur;
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    /** Structural checks on the rendered manifests; returns what it found, for the log. */
    @SuppressWarnings("unchecked")
    static List<String> verify(String yaml) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object d : new Yaml().loadAll(yaml)) {
            if (d != null) {
                docs.add((Map<String, Object>) d);
            }
        }
        List<String> found = new ArrayList<>();
        Map<String, Object> ds = null;
        for (Map<String, Object> d : docs) {
            String kind = at(d, "kind");
            String name = at(d, "metadata", "name");
            check(at(d, "apiVersion") != null && kind != null, "a document without apiVersion/kind");
            check(name != null && name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") && name.length() <= 63,
                    kind + " has an invalid metadata.name: " + name);
            found.add(kind + "/" + name);
            if (kind.equals("DaemonSet")) {
                check(ds == null, "more than one DaemonSet");
                ds = d;
            }
        }
        check(ds != null, "no DaemonSet rendered");
        Map<String, Object> podLabels = at(ds, "spec", "template", "metadata", "labels");
        Map<String, Object> selector = at(ds, "spec", "selector", "matchLabels");
        check(podLabels.entrySet().containsAll(selector.entrySet()), "DaemonSet selector does not match its pod labels");
        Map<String, Object> pod = at(ds, "spec", "template", "spec");
        check(Boolean.FALSE.equals(pod.get("automountServiceAccountToken")), "service account token is mounted");
        List<Map<String, Object>> containers = (List<Map<String, Object>>) pod.get("containers");
        check(containers.size() == 1, "expected one container");
        Map<String, Object> c = containers.get(0);
        List<Map<String, Object>> volumes = (List<Map<String, Object>>) pod.get("volumes");
        List<Map<String, Object>> mounts = (List<Map<String, Object>>) c.get("volumeMounts");
        for (String path : List.of("/sys/fs/cgroup", "/var/lib/boxd", "/run/boxd")) {
            Map<String, Object> m = mounts.stream().filter(x -> path.equals(x.get("mountPath"))).findFirst()
                    .orElseThrow(() -> new AssertionError("nothing mounted at " + path));
            check(!Boolean.TRUE.equals(m.get("readOnly")), path + " is mounted read-only");
            Map<String, Object> v = volumes.stream().filter(x -> Objects.equals(x.get("name"), m.get("name")))
                    .findFirst().orElseThrow(() -> new AssertionError("no volume for " + path));
            check(at(v, "hostPath", "path") != null, path + " is not a hostPath volume");
        }
        check("/actuator/health/liveness".equals(at(c, "livenessProbe", "httpGet", "path")), "liveness probe path");
        check("/actuator/health/readiness".equals(at(c, "readinessProbe", "httpGet", "path")), "readiness probe path");
        List<Map<String, Object>> env = (List<Map<String, Object>>) c.get("env");
        Map<String, Object> tokens = env.stream().filter(e -> "BOXD_TOKENS".equals(e.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no BOXD_TOKENS env"));
        String secretName = at(tokens, "valueFrom", "secretKeyRef", "name");
        String secretKey = at(tokens, "valueFrom", "secretKeyRef", "key");
        check(secretName != null && secretKey != null && tokens.get("value") == null, "BOXD_TOKENS is not from a Secret");
        docs.stream().filter(d -> "Secret".equals(d.get("kind")) && secretName.equals(at(d, "metadata", "name")))
                .findFirst().ifPresent(s -> {
                    String t = at(s, "stringData", secretKey);
                    check(t != null && t.matches("[^:,]+:[^:,]{16,}:(viewer|operator)(,[^:,]+:[^:,]{16,}:(viewer|operator))*"),
                            "Secret " + secretName + " key " + secretKey + " is not name:token:role,...");
                });
        Map<String, Object> sc = (Map<String, Object>) c.get("securityContext");
        check(sc != null && Integer.valueOf(0).equals(sc.get("runAsUser")), "container does not say runAsUser 0");
        if (!Boolean.TRUE.equals(sc.get("privileged"))) {
            List<String> drop = at(sc, "capabilities", "drop");
            check(drop != null && drop.contains("ALL"), "unprivileged container does not drop ALL capabilities");
            check(Boolean.FALSE.equals(sc.get("allowPrivilegeEscalation")), "unprivileged container allows escalation");
        } else {
            check(!Boolean.FALSE.equals(sc.get("allowPrivilegeEscalation")),
                    "privileged with allowPrivilegeEscalation=false is rejected by the API server");
        }
        List<Map<String, Object>> ports = (List<Map<String, Object>>) c.get("ports");
        check(ports.stream().anyMatch(p -> "http".equals(p.get("name"))), "no port named http");
        for (Map<String, Object> d : docs) {
            String kind = (String) d.get("kind");
            Map<String, Object> sel = kind.equals("Service") ? at(d, "spec", "selector")
                    : kind.equals("NetworkPolicy") ? at(d, "spec", "podSelector", "matchLabels") : null;
            if (sel != null) {
                check(podLabels.entrySet().containsAll(sel.entrySet()), kind + " does not select boxd's pods");
            }
        }
        return found;
    }
}
