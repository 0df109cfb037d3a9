package io.inboard.bench.wholepath;

import io.inboard.bench.harness.HttpProbe;
import io.inboard.bench.harness.Launched;
import io.inboard.bench.harness.Launcher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts the set-ups of the whole-path benchmark from the demo user service jar. Every JVM gets
 * the same options; they differ only in what sits between {@code frontend} and {@code user}.
 */
final class Setups {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private final Launcher launcher;
  private final Path demoJar;
  private final List<String> jvmOptions;
  private final Path workDir;

  Setups(Launcher launcher, Path demoJar, List<String> jvmOptions, Path workDir) {
    this.launcher = launcher;
    this.demoJar = demoJar;
    this.jvmOptions = jvmOptions;
    this.workDir = workDir;
  }

  /** No mesh: the frontend calls one user instance directly, the physical limit. */
  Setup plain(String name) {
    Launched user = service(name + " user-v1", Launcher.freePort(), "v1", null, List.of());
    awaitReady(user);
    Launched frontend = service(name + " frontend", Launcher.freePort(), "v1",
        "http://127.0.0.1:" + user.port() + "/", List.of());
    awaitReady(frontend);
    return new Setup(name, frontend.port(), List.of(frontend, user), List.of(), List.of(user),
        "frontend -> user-v1, direct keep-alive HTTP (OkHttp), no agent");
  }

  /**
   * The canary without a mesh: the frontend's own code sends 10 % of its calls to user-v2, direct
   * keep-alive HTTP, no agent. The same processes and split as {@link #inboard}, so the difference
   * between the two is the agents' own cost, and the difference from {@link #plain} the canary's.
   */
  Setup plainCanary(String name) {
    Launched v1 = service(name + " user-v1", Launcher.freePort(), "v1", null, List.of());
    Launched v2 = service(name + " user-v2", Launcher.freePort(), "v2", null, List.of());
    awaitReady(v1);
    awaitReady(v2);
    Launched frontend = service(name + " frontend", Launcher.freePort(), "v1",
        "http://127.0.0.1:" + v1.port() + "/", List.of(),
        Map.of("DOWNSTREAM_CANARY_URL", "http://127.0.0.1:" + v2.port() + "/", "DOWNSTREAM_CANARY_PERCENT", "10"));
    awaitReady(frontend);
    return new Setup(name, frontend.port(), List.of(frontend, v1, v2), List.of(), List.of(v1, v2),
        "frontend -> user-v1 or user-v2 chosen 90/10 by the frontend's own code, direct keep-alive HTTP (OkHttp), "
            + "no agent");
  }

  /**
   * Sidecars: the frontend's outbound call goes to an nginx on its side, which splits 90/10 over an
   * nginx in front of each user instance: two proxy hops per call, as under Istio.
   */
  Setup proxy(String name) {
    Launched v1 = service(name + " user-v1", Launcher.freePort(), "v1", null, List.of());
    Launched v2 = service(name + " user-v2", Launcher.freePort(), "v2", null, List.of());
    Launched v1Sidecar = NginxSidecar.start(launcher, name + " sidecar user-v1 inbound", Launcher.freePort(),
        List.of(new NginxSidecar.Upstream(v1.port(), 1)), workDir);
    Launched v2Sidecar = NginxSidecar.start(launcher, name + " sidecar user-v2 inbound", Launcher.freePort(),
        List.of(new NginxSidecar.Upstream(v2.port(), 1)), workDir);
    Launched frontendSidecar = NginxSidecar.start(launcher, name + " sidecar frontend outbound", Launcher.freePort(),
        List.of(new NginxSidecar.Upstream(v1Sidecar.port(), 90), new NginxSidecar.Upstream(v2Sidecar.port(), 10)),
        workDir);
    awaitReady(v1);
    awaitReady(v2);
    awaitReady(v1Sidecar);
    awaitReady(v2Sidecar);
    awaitReady(frontendSidecar);
    Launched frontend = service(name + " frontend", Launcher.freePort(), "v1",
        "http://127.0.0.1:" + frontendSidecar.port() + "/", List.of());
    awaitReady(frontend);
    return new Setup(name, frontend.port(), List.of(frontend, frontendSidecar, v1Sidecar, v1, v2Sidecar, v2),
        List.of(), List.of(v1, v2), "frontend -> nginx (frontend outbound, 90/10) -> nginx (user-vN inbound) -> user-vN, "
            + "keep-alive on every leg, no agent");
  }

  /** Inboard: agents in all three JVMs; the frontend calls {@code http://user/} and its agent routes. */
  Setup inboard(String name, Path agentJar, MeshWiring wiring) {
    int v1Port = Launcher.freePort();
    int v2Port = Launcher.freePort();
    wiring.prepare(v1Port, v2Port);
    Launched v1 = service(name + " user-v1", v1Port, "v1", null, agent(agentJar, wiring, "user", "v1", v1Port));
    Launched v2 = service(name + " user-v2", v2Port, "v2", null, agent(agentJar, wiring, "user", "v2", v2Port));
    awaitReady(v1);
    awaitReady(v2);
    int frontendPort = Launcher.freePort();
    Launched frontend = service(name + " frontend", frontendPort, "v1", "http://user/",
        agent(agentJar, wiring, "frontend", "v1", frontendPort));
    awaitReady(frontend);
    return new Setup(name, frontend.port(), List.of(frontend, v1, v2), wiring.support(), List.of(v1, v2),
        "frontend -> user-v1 or user-v2 chosen in the frontend's JVM by the agent (10-canary, 90/10), "
            + "agents on all three JVMs; " + wiring.describe());
  }

  /** One user instance alone, no agent, ready to serve: for measuring a single service. */
  Launched user(String role, String version) {
    Launched user = service(role, Launcher.freePort(), version, null, List.of());
    awaitReady(user);
    return user;
  }

  private static List<String> agent(Path agentJar, MeshWiring wiring, String service, String version, int port) {
    List<String> options = new ArrayList<>();
    options.add("-javaagent:" + agentJar.toAbsolutePath());
    options.addAll(wiring.agentOptions(service, version, port));
    return options;
  }

  private Launched service(String role, int port, String version, String downstreamUrl, List<String> agentOptions) {
    return service(role, port, version, downstreamUrl, agentOptions, Map.of());
  }

  private Launched service(String role, int port, String version, String downstreamUrl, List<String> agentOptions,
      Map<String, String> moreEnvironment) {
    List<String> command = new ArrayList<>();
    command.add(javaExecutable());
    command.addAll(jvmOptions);
    command.addAll(agentOptions);
    command.add("-jar");
    command.add(demoJar.toAbsolutePath().toString());
    Map<String, String> env = new HashMap<>();
    env.put("HOST", "127.0.0.1");
    env.put("PORT", Integer.toString(port));
    env.put("VERSION", version);
    env.put("INSTANCE", role.replace(' ', '-'));
    if (downstreamUrl != null) {
      env.put("DOWNSTREAM_URL", downstreamUrl);
    }
    env.putAll(moreEnvironment);
    return launcher.start(role, port, command, env);
  }

  static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static void awaitReady(Launched launched) {
    HttpProbe.awaitOk(launched, "/", Duration.ofMillis(50), READY_TIMEOUT);
  }
}
