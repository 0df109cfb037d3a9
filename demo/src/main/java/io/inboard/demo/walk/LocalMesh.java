package io.inboard.demo.walk;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The walk-through's mesh on loopback, each part its own JVM: the config server, the gateway,
 * user v1, user v2 and a {@code frontend} that calls {@code http://user/} — the services with
 * the agent attached, as a user would run them. Closing it stops every process it started.
 */
public final class LocalMesh implements AutoCloseable {

    public static final String NAMESPACE = "traffic-management";
    private static final String LOOPBACK = "127.0.0.1";
    // Generous: four JVMs with the agent starting together on two busy cores have taken over 90 s.
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    private final List<MeshProcess> processes = Collections.synchronizedList(new ArrayList<>());
    private final Path runDir;
    private Path stateDir;
    private final Consumer<String> progress;
    private final MeshJars jars;
    private final List<String> jvmOptions;
    private final Ports ports;

    /** The ports the parts listen on; the {@code *Admin} ones serve /metrics and /config. */
    public record Ports(int configServer, int gateway, int gatewayAdmin, int userV1, int userV1Admin,
                        int userV2, int userV2Admin, int frontend, int frontendAdmin) {
        static Ports pickFree() {
            List<Integer> p = FreePorts.pick(9);
            return new Ports(p.get(0), p.get(1), p.get(2), p.get(3), p.get(4), p.get(5), p.get(6), p.get(7), p.get(8));
        }
    }

    private LocalMesh(MeshJars jars, Path runDir, List<String> jvmOptions, Consumer<String> progress) {
        this.jars = jars;
        this.runDir = runDir;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.progress = progress;
        this.ports = Ports.pickFree();
    }

    /**
     * Starts every part and waits until each serves HTTP and the services have registered.
     * On failure the parts already started are stopped again.
     *
     * @param jvmOptions extra options for every forked JVM (e.g. a small heap)
     */
    public static LocalMesh start(MeshJars jars, Path runDir, List<String> jvmOptions, Consumer<String> progress)
            throws IOException, InterruptedException {
        jars.requireBuilt();
        Files.createDirectories(runDir);
        LocalMesh mesh = new LocalMesh(jars, runDir, jvmOptions, progress);
        try {
            mesh.startAll();
            return mesh;
        } catch (IOException | InterruptedException | RuntimeException e) {
            mesh.close();
            throw e;
        }
    }

    private void startAll() throws IOException, InterruptedException {
        long started = System.nanoTime();
        // Fresh state every start: a reused run directory must not hand old rules or a cached snapshot on.
        stateDir = Files.createTempDirectory(runDir, "state-");
        MeshProcess server = launch("config-server", List.of("-jar", jars.configServer().toString(),
                "--port", String.valueOf(ports.configServer()), "--bind", LOOPBACK,
                "--data-dir", stateDir.resolve("config-data").toString()), Map.of());
        server.awaitHttp(configServerUrl().resolve("/readyz"), READY_TIMEOUT);
        progress.accept(String.format("config server ready on %s (%.1f s)", configServerUrl(), seconds(started)));

        // The rest start together: on two cores their JVM start-ups overlap well enough.
        MeshProcess gateway = launch("gateway", List.of("-jar", jars.gateway().toString(),
                "--port", String.valueOf(ports.gateway()), "--server", configServerUrl().toString(),
                "--labels", "istio=ingressgateway", "--admin-port", String.valueOf(ports.gatewayAdmin())),
                Map.of());
        MeshProcess v1 = launchService("user-v1", "user", "v1", ports.userV1(), ports.userV1Admin(), null);
        MeshProcess v2 = launchService("user-v2", "user", "v2", ports.userV2(), ports.userV2Admin(), null);
        MeshProcess frontend = launchService("frontend", "frontend", "v1", ports.frontend(), ports.frontendAdmin(),
                "http://user/");

        v1.awaitHttp(userUrl("v1").resolve("/healthz"), READY_TIMEOUT);
        v2.awaitHttp(userUrl("v2").resolve("/healthz"), READY_TIMEOUT);
        frontend.awaitHttp(frontendUrl().resolve("/healthz"), READY_TIMEOUT);
        // Any answer, 404 for an unknown host included, means the gateway listens.
        gateway.awaitHttp(gatewayUrl().resolve("/"), READY_TIMEOUT);
        progress.accept(String.format("gateway, user v1, user v2 and frontend serving (%.1f s)", seconds(started)));

        ControlPlaneClient controlPlane = controlPlane();
        controlPlane.awaitInstances(NAMESPACE, Map.of("user", 2, "frontend", 1), READY_TIMEOUT);
        progress.accept(String.format("user v1, user v2 and frontend registered with the config server (%.1f s)",
                seconds(started)));
    }

    private MeshProcess launchService(String name, String service, String version, int port, int adminPort,
                                      String downstream) throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "-javaagent:" + jars.agent(),
                "-Dinboard.server=" + configServerUrl(),
                "-Dinboard.service=" + service,
                "-Dinboard.namespace=" + NAMESPACE,
                "-Dinboard.labels=app=" + service + ",version=" + version,
                "-Dinboard.address=" + LOOPBACK,
                "-Dinboard.port=" + port,
                "-Dinboard.admin-port=" + adminPort,
                "-Dinboard.cache-dir=" + stateDir.resolve(name + "-cache"),
                "-jar", jars.userService().toString()));
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "HOST", LOOPBACK, "PORT", String.valueOf(port), "VERSION", version, "INSTANCE", name));
        if (downstream != null) {
            env.put("DOWNSTREAM_URL", downstream);
        }
        return launch(name, args, env);
    }

    private MeshProcess launch(String name, List<String> args, Map<String, String> env)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(args);
        MeshProcess process = MeshProcess.start(name, command, env, runDir);
        processes.add(process);
        return process;
    }

    public ControlPlaneClient controlPlane() {
        return new ControlPlaneClient(configServerUrl());
    }

    public URI configServerUrl() {
        return url(ports.configServer());
    }

    public URI gatewayUrl() {
        return url(ports.gateway());
    }

    public URI frontendUrl() {
        return url(ports.frontend());
    }

    public URI userUrl(String version) {
        return url("v1".equals(version) ? ports.userV1() : ports.userV2());
    }

    /** The admin endpoints of the gateway and of each agent, which report the revision they route by. */
    public List<URI> adminUrls() {
        return List.of(url(ports.gatewayAdmin()), url(ports.userV1Admin()), url(ports.userV2Admin()),
                url(ports.frontendAdmin()));
    }

    public MeshJars jars() {
        return jars;
    }

    public Ports ports() {
        return ports;
    }

    public Path runDir() {
        return runDir;
    }

    public List<MeshProcess> processes() {
        return List.copyOf(processes);
    }

    /**
     * Stops the services and the gateway together, then the config server last, so that the
     * agents can still deregister on their way out. Calling it again does nothing.
     */
    @Override
    public synchronized void close() {
        List<MeshProcess> started = new ArrayList<>(processes);
        processes.clear();
        if (started.isEmpty()) {
            return;
        }
        MeshProcess controlPlane = started.get(0);
        List<MeshProcess> dataPlane = started.subList(1, started.size());
        // Ask all to stop first, then wait: stopping one at a time would add up the grace periods.
        dataPlane.forEach(MeshProcess::requestStop);
        dataPlane.forEach(p -> p.stop(Duration.ofSeconds(10)));
        controlPlane.stop(Duration.ofSeconds(10));
    }

    private static URI url(int port) {
        return URI.create("http://" + LOOPBACK + ":" + port);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
