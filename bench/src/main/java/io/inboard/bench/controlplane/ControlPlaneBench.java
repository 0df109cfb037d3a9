package io.inboard.bench.controlplane;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.inboard.bench.harness.Args;
import io.inboard.bench.harness.HttpProbe;
import io.inboard.bench.harness.Launched;
import io.inboard.bench.harness.Launcher;
import io.inboard.bench.load.LatencyFigures;
import io.inboard.bench.proc.ProcSample;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * The control-plane benchmark: one real config server, 200 simulated agents watching it (one
 * keep-alive connection each, driven by one selector thread, see {@link SimulatedAgents}), 50 edits of
 * the canary weights through the REST API; for each edit and agent, the time from sending the edit to
 * that agent holding the new snapshot. Also the server's heap, threads and RSS with all of them
 * connected.
 */
public final class ControlPlaneBench {
  private static final String NAMESPACE = "traffic-management";

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    Path serverJar = args.path("config-server-jar", "config-server/target/inboard-config-server.jar");
    Path work = args.path("work", "bench/target/controlplane");
    Path result = args.path("out", "bench/target/results/controlplane.json");
    int agents = args.integer("agents", 200);
    int edits = args.integer("edits", 50);
    List<String> jvmOptions = args.words("jvm-options", "-Xmx256m");
    Files.createDirectories(result.getParent());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("agents", agents);
    out.put("edits", edits);

    try (Launcher launcher = new Launcher(work)) {
      int port = Launcher.freePort();
      Path data = work.resolve("data");
      deleteTree(data);
      Files.createDirectories(data);
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmOptions);
      command.add("-jar");
      command.add(serverJar.toAbsolutePath().toString());
      for (String a : args.string("server-args", "--bind 127.0.0.1 --port {port} --data-dir {data}").split("\\s+")) {
        command.add(a.replace("{port}", Integer.toString(port)).replace("{data}", data.toString()));
      }
      Launched server = launcher.start("config-server", port, command, Map.of());
      HttpProbe.awaitOk(server, "/v1/snapshot?since=-1&timeoutSeconds=0", Duration.ofMillis(100), Duration.ofSeconds(60));
      URI base = URI.create("http://127.0.0.1:" + port);
      HttpClient admin = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      ProcSample idle = server.sample();
      out.put("serverIdle", Map.of("rssMb", round1(idle.rssMb()), "threads", idle.threads(),
          "heap", heapInfo(server.pid())));

      apply(admin, base, rules(0));
      for (int i = 0; i < agents; i++) {
        register(admin, base, i);
      }

      try (SimulatedAgents watchers = new SimulatedAgents(base, agents)) {
        watchers.start();
        if (!watchers.awaitAllSeen(0, Duration.ofSeconds(30).toNanos())) {
          throw new IllegalStateException("only " + watchers.seen(0) + " of " + agents
              + " watchers got the first snapshot within 30 s; first error: " + watchers.firstError());
        }
        Thread.sleep(500); // every watcher back in its long poll
        ProcSample before = server.sample();
        ProcSample selfBefore = ProcSample.of(ProcessHandle.current().pid());
        Histogram latency = new Histogram(60_000_000L, 3);
        Histogram applyRoundTrip = new Histogram(60_000_000L, 3);
        List<Long> perEditP99 = new ArrayList<>();
        long missing = 0;
        long editsStart = System.nanoTime();
        for (int edit = 1; edit <= edits; edit++) {
          long sent = System.nanoTime();
          apply(admin, base, rules(edit));
          applyRoundTrip.recordValue(Math.max(1, (System.nanoTime() - sent) / 1000));
          // Woken by the simulator when the last agent has it, rather than polling: this JVM's CPU
          // is taken from the server's 2 cores.
          watchers.awaitAllSeen(edit, Duration.ofSeconds(5).toNanos());
          Histogram one = new Histogram(60_000_000L, 3);
          for (long at : watchers.seenAt(edit)) {
            if (at == 0) {
              missing++;
            } else {
              long micros = Math.max(1, (at - sent) / 1000);
              latency.recordValue(micros);
              one.recordValue(micros);
            }
          }
          perEditP99.add(one.getValueAtPercentile(99));
          Thread.sleep(100 + (edit * 37) % 100); // not in lock-step with anything
        }
        double editsSeconds = (System.nanoTime() - editsStart) / 1e9;
        ProcSample loaded = server.sample();
        ProcSample selfAfter = ProcSample.of(ProcessHandle.current().pid());
        out.put("simulatedAgentsCpuSecondsDuringEdits", round1(selfAfter.cpuSecondsSince(selfBefore)));
        out.put("serverWithWatchers", Map.of("rssMb", round1(loaded.rssMb()), "threads", loaded.threads(),
            "heap", heapInfo(server.pid()),
            "cpuSecondsDuringEdits", round1(loaded.cpuSecondsSince(before)),
            "editsWallSeconds", round1(editsSeconds)));
        LatencyFigures f = LatencyFigures.of(latency);
        Map<String, Object> e2a = new LinkedHashMap<>();
        e2a.put("samples", f.count());
        e2a.put("missingAfter5s", missing);
        e2a.put("p50Ms", f.p50() / 1000.0);
        e2a.put("p90Ms", f.p90() / 1000.0);
        e2a.put("p99Ms", f.p99() / 1000.0);
        e2a.put("maxMs", f.max() / 1000.0);
        e2a.put("meanMs", Math.round(f.mean()) / 1000.0);
        e2a.put("worstEditP99Ms", perEditP99.stream().mapToLong(Long::longValue).max().orElse(0) / 1000.0);
        out.put("editToApplied", e2a);
        LatencyFigures a = LatencyFigures.of(applyRoundTrip);
        out.put("applyRoundTrip", Map.of("p50Ms", a.p50() / 1000.0, "p99Ms", a.p99() / 1000.0,
            "maxMs", a.max() / 1000.0));
        out.put("watchers", Map.of("snapshotsReceived", watchers.snapshotsReceived(),
            "bytesReceived", watchers.bytesReceived(), "wireBytesReceived", watchers.wireBytesReceived(),
            "errors", watchers.errors(),
            "firstError", String.valueOf(watchers.firstError())));
        System.out.printf("[controlplane] %d agents, %d edits: edit-to-applied p50 %.1f ms p99 %.1f ms max %.1f ms,"
            + " %d missing; CPU during the edits: server %.1f s, simulated agents %.1f s; %d watch errors%n",
            agents, edits, f.p50() / 1000.0, f.p99() / 1000.0, f.max() / 1000.0, missing,
            loaded.cpuSecondsSince(before), selfAfter.cpuSecondsSince(selfBefore), watchers.errors());
      }
    }
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(result.toFile(), out);
    System.out.println("[controlplane] wrote " + result);
  }

  /**
   * The 10-canary virtual service with v2's weight {@code 1000 + edit} as the edit marker: unique, so
   * every agent can tell which edit it holds (see {@link SimulatedAgents#marker}).
   */
  static String rules(int edit) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: user-virtual-service
          namespace: traffic-management
        spec:
          hosts:
          - user
          http:
          - name: user-canary
            route:
            - destination:
                host: user
                subset: v1
              weight: 9000
            - destination:
                host: user
                subset: v2
              weight: %d
        """.formatted(1000 + edit);
  }

  private static void apply(HttpClient client, URI base, String yaml) throws IOException, InterruptedException {
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.resolve("/v1/apply"))
        .header("Content-Type", "application/yaml")
        .POST(HttpRequest.BodyPublishers.ofString(yaml)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IllegalStateException("POST /v1/apply answered " + response.statusCode() + ": " + response.body());
    }
  }

  private static void register(HttpClient client, URI base, int i) throws IOException, InterruptedException {
    String body = """
        {"service": "bench-%d", "address": "127.0.0.1", "port": %d, "labels": {"version": "v1"}, "ttlSeconds": 600}
        """.formatted(i % 20, 20000 + i);
    HttpResponse<String> response = client.send(
        HttpRequest.newBuilder(base.resolve("/v1/namespaces/" + NAMESPACE + "/instances/agent-" + i))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IllegalStateException("registering instance agent-" + i + " answered " + response.statusCode()
          + ": " + response.body());
    }
  }

  /** {@code jcmd PID GC.heap_info}: the collector's own view of used and committed heap. */
  static Map<String, Object> heapInfo(long pid) {
    Map<String, Object> heap = new LinkedHashMap<>();
    try {
      Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          Long.toString(pid), "GC.heap_info").redirectErrorStream(true).start();
      String text = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      jcmd.waitFor();
      // G1: "garbage-first heap   total 262144K, used 12345K"; Serial/Parallel print similar lines.
      Matcher m = Pattern.compile("heap\\s+total\\s+(\\d+)K,\\s+used\\s+(\\d+)K").matcher(text);
      if (m.find()) {
        heap.put("committedMb", round1(Long.parseLong(m.group(1)) / 1024.0));
        heap.put("usedMb", round1(Long.parseLong(m.group(2)) / 1024.0));
      } else {
        heap.put("raw", text.strip());
      }
    } catch (IOException e) {
      heap.put("error", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return heap;
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
