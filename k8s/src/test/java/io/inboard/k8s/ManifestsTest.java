package io.inboard.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reads every manifest under {@code k8s/} with the fabric8 Kubernetes model and checks that the
 * pieces fit: selectors select, ports line up, every application JVM carries the agent with its
 * identity from the downward API, and each scenario applies exactly the walk-through's files.
 */
class ManifestsTest {

    private static final String NAMESPACE = "traffic-management";
    private static final String AGENT = "-javaagent:/app/inboard-agent.jar";
    private static final String COMPONENT = "inboard.io/component";
    /** Inboard's own processes, each with the jar it must run: they are the mesh, not in it. */
    private static final Map<String, String> COMPONENT_JARS = Map.of(
            "control-plane", "/app/inboard-config-server.jar",
            "gateway", "/app/inboard-gateway.jar",
            "tool", "/app/inboardctl.jar");
    private static final Pattern ENV_REF = Pattern.compile("\\$\\(([A-Z0-9_]+)\\)");

    private static Manifests manifests;
    private static Path scenarios;

    @BeforeAll
    static void read() {
        manifests = new Manifests(Path.of(System.getProperty("k8s.dir", ".")));
        scenarios = Path.of(System.getProperty("scenarios.dir", "../scenarios"));
        assertThat(manifests.kustomizations).as("kustomizations found").hasSizeGreaterThanOrEqualTo(5);
        assertThat(manifests.entries).as("objects found").isNotEmpty();
    }

    @Test
    void everyObjectParsesWithoutUnknownFields() {
        for (Manifests.Entry e : manifests.entries) {
            assertThat(UnknownFields.in(e.object())).as("unknown fields in %s", e.file()).isEmpty();
        }
    }

    @Test
    void everyKustomizationListsExistingFilesAndNoManifestIsLeftOut() throws IOException {
        for (Manifests.Kustomization k : manifests.kustomizations) {
            Set<Path> used = new HashSet<>();
            used.add(k.dir().resolve("kustomization.yaml"));
            for (String resource : k.list("resources")) {
                Path path = k.dir().resolve(resource).normalize();
                assertThat(Files.exists(path)).as("%s lists %s", k.dir(), resource).isTrue();
                used.add(path);
            }
            for (Map<String, Object> generator : k.maps("configMapGenerator")) {
                for (Object file : (List<?>) generator.get("files")) {
                    Path path = k.dir().resolve((String) file).normalize();
                    assertThat(Files.isRegularFile(path)).as("%s generates from %s", k.dir(), file).isTrue();
                    used.add(path);
                }
            }
            assertThat(k.namespace()).as("namespace of %s", k.dir()).isEqualTo(NAMESPACE);
            try (Stream<Path> files = Files.list(k.dir())) {
                List<Path> yamls = files.filter(p -> p.toString().endsWith(".yaml")).toList();
                assertThat(used).as("files of %s that its kustomization uses", k.dir()).containsAll(yamls);
            }
        }
    }

    @Test
    void everyObjectLivesInTheWalkThroughNamespace() {
        for (Manifests.Entry e : manifests.entries) {
            if (e.object() instanceof Namespace ns) {
                assertThat(ns.getMetadata().getName()).isEqualTo(NAMESPACE);
            } else {
                assertThat(e.object().getMetadata().getNamespace()).as("namespace of %s in %s",
                        e.object().getMetadata().getName(), e.file()).isEqualTo(NAMESPACE);
            }
        }
    }

    @Test
    void deploymentSelectorsMatchTheirPodLabels() {
        assertThat(manifests.all(Deployment.class)).hasSize(5);
        for (Deployment d : manifests.all(Deployment.class)) {
            Map<String, String> selector = d.getSpec().getSelector().getMatchLabels();
            assertThat(selector).as("selector of %s", name(d)).isNotEmpty();
            assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).as("pod labels of %s", name(d))
                    .containsAllEntriesOf(selector);
        }
    }

    @Test
    void everyServiceSelectsPodsAndTargetsTheirContainerPorts() {
        assertThat(manifests.all(Service.class)).isNotEmpty();
        for (Service service : manifests.all(Service.class)) {
            Map<String, String> selector = service.getSpec().getSelector();
            List<PodTemplateSpec> pods = manifests.all(Deployment.class).stream()
                    .map(d -> d.getSpec().getTemplate())
                    .filter(t -> t.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
                    .toList();
            assertThat(pods).as("pods selected by service %s", name(service)).isNotEmpty();
            for (ServicePort port : service.getSpec().getPorts()) {
                for (PodTemplateSpec pod : pods) {
                    assertThat(containerPortFor(pod, targetOf(port)))
                            .as("service %s port %s -> %s in pod %s", name(service), port.getPort(),
                                    text(targetOf(port)), pod.getMetadata().getLabels())
                            .isNotNull();
                }
            }
        }
    }

    @Test
    void theGatewayIsALoadBalancerInFrontOfIngressGatewayPods() {
        List<Service> loadBalancers = manifests.all(Service.class).stream()
                .filter(s -> "LoadBalancer".equals(s.getSpec().getType())).toList();
        assertThat(loadBalancers).hasSize(1);
        Service gateway = loadBalancers.get(0);
        assertThat(gateway.getSpec().getSelector()).containsEntry("istio", "ingressgateway");
        Deployment pods = deployment("inboard-gateway");
        assertThat(pods.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("istio", "ingressgateway");
        Container container = pods.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(env(container, "INBOARD_GATEWAY_LABELS").getValue()).isEqualTo("istio=ingressgateway");
        assertThat(env(container, "INBOARD_GATEWAY_BIND").getValue()).isEqualTo("0.0.0.0");
        assertThat(env(container, "INBOARD_GATEWAY_SERVER").getValue()).contains(configServerAddress());
    }

    @Test
    void userV1AndV2AreOneReplicaEachLabelledAsTheSubsetsExpect() {
        for (String version : List.of("v1", "v2")) {
            Deployment d = deployment("user-" + version);
            assertThat(d.getSpec().getReplicas()).isEqualTo(1);
            assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                    .containsEntry("app", "user").containsEntry("version", version);
        }
        Container frontend = deployment("frontend").getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(env(frontend, "DOWNSTREAM_URL").getValue()).isEqualTo("http://user/");
    }

    @Test
    void everyApplicationJvmCarriesTheAgentWithItsIdentityFromTheDownwardApi() {
        List<String> checked = new ArrayList<>();
        for (Deployment d : manifests.all(Deployment.class)) {
            PodTemplateSpec pod = d.getSpec().getTemplate();
            if (pod.getMetadata().getLabels().containsKey(COMPONENT)) {
                continue;
            }
            for (Container c : pod.getSpec().getContainers()) {
                String what = name(d) + "/" + c.getName();
                assertThat(c.getCommand()).as("command of %s", what).first().isEqualTo("java");
                assertThat(env(c, "JAVA_TOOL_OPTIONS").getValue()).as("JAVA_TOOL_OPTIONS of %s", what).contains(AGENT);
                assertThat(fieldRef(c, "INBOARD_ADDRESS")).as("address of %s", what).isEqualTo("status.podIP");
                assertThat(fieldRef(c, "INBOARD_NAMESPACE")).as("namespace of %s", what).isEqualTo("metadata.namespace");
                assertThat(env(c, "INBOARD_SERVER").getValue()).as("server of %s", what).contains(configServerAddress());
                assertThat(env(c, "INBOARD_TOKEN").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("agent");
                // INBOARD_LABELS and INBOARD_SERVICE are built from env vars that read the pod's own labels.
                Map<String, String> labels = pod.getMetadata().getLabels();
                assertThat(resolve(c, env(c, "INBOARD_LABELS").getValue(), labels))
                        .as("labels %s registers", what)
                        .isEqualTo("app=" + labels.get("app") + ",version=" + labels.get("version"));
                assertThat(resolve(c, env(c, "INBOARD_SERVICE").getValue(), labels)).isEqualTo(labels.get("app"));
                assertThat(env(c, "INBOARD_PORT").getValue()).isEqualTo(String.valueOf(containerPortFor(pod,
                        new IntOrString("http")).getContainerPort()));
                checked.add(what);
            }
        }
        assertThat(checked).containsExactlyInAnyOrder("user-v1/user", "user-v2/user", "frontend/frontend");
    }

    @Test
    void onlyInboardsOwnProcessesGoWithoutTheAgent() {
        List<PodTemplateSpec> templates = new ArrayList<>();
        manifests.all(Deployment.class).forEach(d -> templates.add(d.getSpec().getTemplate()));
        manifests.all(Job.class).forEach(j -> templates.add(j.getSpec().getTemplate()));
        for (PodTemplateSpec pod : templates) {
            String component = pod.getMetadata().getLabels().get(COMPONENT);
            if (component == null) {
                continue;
            }
            assertThat(COMPONENT_JARS).as("known components").containsKey(component);
            for (Container c : pod.getSpec().getContainers()) {
                assertThat(c.getCommand()).as("%s runs Inboard's own jar", component)
                        .startsWith("java", "-jar", COMPONENT_JARS.get(component));
                assertThat(c.getEnv()).extracting(EnvVar::getName).doesNotContain("JAVA_TOOL_OPTIONS");
            }
        }
    }

    @Test
    void theGatewayTerminatesTlsOn443WithEachCredentialInADirectoryOfItsName() {
        Deployment gateway = deployment("inboard-gateway");
        PodTemplateSpec pod = gateway.getSpec().getTemplate();
        Container container = pod.getSpec().getContainers().get(0);
        // The HTTPS listener is the container port the Service's 443 targets, and Gateways name 443.
        ContainerPort https = containerPortFor(pod, new IntOrString("https"));
        assertThat(https).isNotNull();
        assertThat(env(container, "INBOARD_GATEWAY_HTTPS_PORT").getValue()).isEqualTo(String.valueOf(https.getContainerPort()));
        assertThat(env(container, "INBOARD_GATEWAY_HTTPS_SERVICE_PORT").getValue()).isEqualTo("443");
        Service service = manifests.all(Service.class).stream()
                .filter(s -> "LoadBalancer".equals(s.getSpec().getType())).findFirst().orElseThrow();
        assertThat(service.getSpec().getPorts()).anySatisfy(p -> {
            assertThat(p.getPort()).isEqualTo(443);
            assertThat(text(targetOf(p))).isEqualTo("https");
        });
        // credentialName NAME is read from <dir>/NAME/tls.crt and tls.key: the mounted volume holds each
        // secret's two keys under a directory named after the secret.
        String dir = env(container, "INBOARD_GATEWAY_CREDENTIALS_DIR").getValue();
        // A renewed secret is served without a change of the rules: the files are polled.
        assertThat(env(container, "INBOARD_GATEWAY_CREDENTIALS_POLL_INTERVAL").getValue()).isEqualTo("5s");
        String volumeName = container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(dir))
                .findFirst().orElseThrow(() -> new AssertionError("nothing mounted at " + dir)).getName();
        Volume volume = pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals(volumeName))
                .findFirst().orElseThrow();
        assertThat(volume.getProjected().getSources()).isNotEmpty().allSatisfy(source -> {
            String secret = source.getSecret().getName();
            assertThat(source.getSecret().getOptional()).as("secret %s optional", secret).isTrue();
            assertThat(source.getSecret().getItems()).extracting(i -> i.getKey() + "->" + i.getPath())
                    .containsExactlyInAnyOrder("tls.crt->" + secret + "/tls.crt", "tls.key->" + secret + "/tls.key");
        });
    }

    @Test
    void everyLongRunningContainerHasProbesOnItsPortsAndResourceRequests() {
        for (Deployment d : manifests.all(Deployment.class)) {
            PodTemplateSpec pod = d.getSpec().getTemplate();
            for (Container c : pod.getSpec().getContainers()) {
                String what = name(d) + "/" + c.getName();
                for (Probe probe : Stream.of(c.getReadinessProbe(), c.getLivenessProbe()).toList()) {
                    assertThat(probe).as("probes of %s", what).isNotNull();
                    IntOrString port = probe.getHttpGet() != null ? probe.getHttpGet().getPort()
                            : probe.getTcpSocket().getPort();
                    assertThat(containerPortFor(pod, port)).as("probe port %s of %s", text(port), what).isNotNull();
                }
                assertThat(c.getResources().getRequests()).as("requests of %s", what).containsKeys("cpu", "memory");
                assertThat(c.getResources().getLimits()).as("limits of %s", what).containsKey("memory");
            }
        }
        for (Job job : manifests.all(Job.class)) {
            for (Container c : job.getSpec().getTemplate().getSpec().getContainers()) {
                assertThat(c.getResources().getRequests()).as("requests of job %s", name(job)).containsKeys("cpu", "memory");
            }
        }
    }

    @Test
    void theConfigServerKeepsItsDataOnAClaimAndTakesItsTokensFromTheSecret() {
        Deployment server = deployment("inboard-config-server");
        assertThat(server.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        Volume data = server.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getPersistentVolumeClaim() != null).findFirst().orElseThrow();
        String claim = data.getPersistentVolumeClaim().getClaimName();
        assertThat(manifests.all(PersistentVolumeClaim.class)).extracting(this::name).contains(claim);
        Container c = server.getSpec().getTemplate().getSpec().getContainers().get(0);
        String mount = c.getVolumeMounts().stream().filter(m -> m.getName().equals(data.getName()))
                .findFirst().orElseThrow().getMountPath();
        assertThat(c.getCommand()).containsSubsequence("--data-dir", mount);
        assertThat(c.getCommand()).containsSubsequence("--bind", "0.0.0.0");
        assertThat(env(c, "INBOARD_ADMIN_TOKEN").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("admin");
        assertThat(env(c, "INBOARD_AGENT_TOKEN").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("agent");
    }

    @Test
    void everySecretReferenceNamesTheTokensSecret() {
        List<Container> containers = new ArrayList<>();
        manifests.all(Deployment.class).forEach(d -> containers.addAll(d.getSpec().getTemplate().getSpec().getContainers()));
        manifests.all(Job.class).forEach(j -> containers.addAll(j.getSpec().getTemplate().getSpec().getContainers()));
        for (Container c : containers) {
            for (EnvVar e : c.getEnv()) {
                if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                    assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("inboard-tokens");
                    assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isIn("admin", "agent");
                }
            }
        }
    }

    @Test
    void eachScenarioAppliesExactlyTheWalkThroughFilesWithTheAdminToken() throws IOException {
        List<Path> walkThrough;
        try (Stream<Path> files = Files.list(scenarios)) {
            walkThrough = files.filter(p -> p.getFileName().toString().matches("[1-9]0-.*\\.yaml")).sorted().toList();
        }
        assertThat(walkThrough).hasSize(4);
        for (Path file : walkThrough) {
            String name = file.getFileName().toString().replace(".yaml", "");
            Path dir = manifests.root.resolve("scenarios").resolve(name);
            Manifests.Kustomization k = manifests.kustomizations.stream().filter(x -> x.dir().equals(dir))
                    .findFirst().orElseThrow(() -> new AssertionError("no kustomization for scenario " + name));
            // The copies must stay the files the demo and the end-to-end tests prove.
            assertThat(Files.readString(dir.resolve(file.getFileName()))).as("copy of %s", file)
                    .isEqualTo(Files.readString(file));
            assertThat(Files.readString(dir.resolve("00-gateway.yaml")))
                    .isEqualTo(Files.readString(scenarios.resolve("00-gateway.yaml")));

            Map<String, Object> generator = k.maps("configMapGenerator").get(0);
            Job job = manifests.entries.stream().filter(e -> e.file().startsWith(dir))
                    .map(Manifests.Entry::object).filter(Job.class::isInstance).map(Job.class::cast)
                    .findFirst().orElseThrow();
            Volume volume = job.getSpec().getTemplate().getSpec().getVolumes().get(0);
            assertThat(volume.getConfigMap().getName()).isEqualTo(generator.get("name"));
            Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
            String mount = c.getVolumeMounts().get(0).getMountPath();
            assertThat(c.getCommand())
                    .containsSubsequence("-jar", "/app/inboardctl.jar", "apply", "--server", configServerAddress())
                    .containsSubsequence("-f", mount + "/00-gateway.yaml", "-f", mount + "/" + file.getFileName());
            assertThat(env(c, "INBOARD_TOKEN").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("admin");
        }
    }

    @Test
    void everyContainerRunsTheWalkThroughImageThatKustomizeRetags() {
        List<Container> containers = new ArrayList<>();
        manifests.all(Deployment.class).forEach(d -> containers.addAll(d.getSpec().getTemplate().getSpec().getContainers()));
        manifests.all(Job.class).forEach(j -> containers.addAll(j.getSpec().getTemplate().getSpec().getContainers()));
        assertThat(containers).extracting(Container::getImage).allMatch(i -> i.startsWith("inboard/walkthrough:"));
        for (Manifests.Kustomization k : manifests.kustomizations) {
            assertThat(k.maps("images")).as("images of %s", k.dir()).extracting(m -> m.get("name"))
                    .containsExactly("inboard/walkthrough");
        }
    }

    @Test
    void everyJarTheManifestsRunIsPackedIntoTheImage() throws IOException {
        String pom = Files.readString(manifests.root.resolve("pom.xml"));
        Set<String> packed = new HashSet<>();
        Matcher m = Pattern.compile("<into>/app</into><includes>([^<]+\\.jar)</includes>").matcher(pom);
        while (m.find()) {
            packed.add("/app/" + m.group(1));
        }
        Set<String> used = new HashSet<>();
        List<Container> containers = new ArrayList<>();
        manifests.all(Deployment.class).forEach(d -> containers.addAll(d.getSpec().getTemplate().getSpec().getContainers()));
        manifests.all(Job.class).forEach(j -> containers.addAll(j.getSpec().getTemplate().getSpec().getContainers()));
        Pattern jar = Pattern.compile("/app/[\\w.-]+\\.jar");
        for (Container c : containers) {
            List<String> words = new ArrayList<>(c.getCommand());
            c.getEnv().stream().map(EnvVar::getValue).filter(Objects::nonNull).forEach(words::add);
            for (String word : words) {
                Matcher j = jar.matcher(word);
                while (j.find()) {
                    used.add(j.group());
                }
            }
        }
        assertThat(used).contains("/app/inboard-agent.jar", "/app/inboardctl.jar", "/app/inboard-gateway.jar");
        assertThat(packed).as("jars Jib packs into /app (k8s/pom.xml)").containsAll(used);
    }

    // --- helpers ---

    private String configServerAddress() {
        Service service = manifests.all(Service.class).stream()
                .filter(s -> "inboard-config-server".equals(name(s))).findFirst().orElseThrow();
        return "http://" + name(service) + "." + NAMESPACE + ".svc:" + service.getSpec().getPorts().get(0).getPort();
    }

    private static String text(IntOrString port) {
        return port.getStrVal() != null ? port.getStrVal() : String.valueOf(port.getIntVal());
    }

    private static IntOrString targetOf(ServicePort port) {
        return port.getTargetPort() != null ? port.getTargetPort() : new IntOrString(port.getPort());
    }

    private static ContainerPort containerPortFor(PodTemplateSpec pod, IntOrString port) {
        for (Container c : pod.getSpec().getContainers()) {
            for (ContainerPort p : Objects.requireNonNullElse(c.getPorts(), List.<ContainerPort>of())) {
                boolean byName = port.getStrVal() != null && port.getStrVal().equals(p.getName());
                boolean byNumber = port.getIntVal() != null && port.getIntVal().equals(p.getContainerPort());
                if (byName || byNumber) {
                    return p;
                }
            }
        }
        return null;
    }

    private Deployment deployment(String name) {
        return manifests.all(Deployment.class).stream().filter(d -> name.equals(name(d))).findFirst()
                .orElseThrow(() -> new AssertionError("no Deployment " + name));
    }

    private static EnvVar env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(c.getName() + " has no env " + name));
    }

    private static String fieldRef(Container c, String name) {
        EnvVar e = env(c, name);
        assertThat(e.getValueFrom()).as("%s of %s comes from the downward API", name, c.getName()).isNotNull();
        return e.getValueFrom().getFieldRef().getFieldPath();
    }

    /** Expands {@code $(VAR)} as the kubelet does, where VAR reads a pod label through the downward API. */
    private static String resolve(Container c, String value, Map<String, String> labels) {
        Matcher m = ENV_REF.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String path = fieldRef(c, m.group(1));
            Matcher label = Pattern.compile("metadata\\.labels\\['(.+)'\\]").matcher(path);
            assertThat(label.matches()).as("%s reads a pod label", m.group(1)).isTrue();
            assertThat(labels).containsKey(label.group(1));
            // The variable must be defined before it is used, or the kubelet leaves $(VAR) as is.
            assertThat(c.getEnv().indexOf(env(c, m.group(1)))).isLessThan(indexOfValue(c, value));
            m.appendReplacement(out, Matcher.quoteReplacement(labels.get(label.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static int indexOfValue(Container c, String value) {
        for (int i = 0; i < c.getEnv().size(); i++) {
            if (value.equals(c.getEnv().get(i).getValue())) {
                return i;
            }
        }
        return -1;
    }

    private String name(HasMetadata object) {
        return object.getMetadata().getName();
    }
}
