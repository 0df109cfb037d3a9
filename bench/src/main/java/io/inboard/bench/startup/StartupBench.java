package io.inboard.bench.startup;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.inboard.bench.harness.Args;
import io.inboard.bench.harness.HttpProbe;
import io.inboard.bench.harness.Launched;
import io.inboard.bench.harness.Launcher;
import io.inboard.bench.proc.ProcSample;
import io.inboard.bench.wholepath.Wrk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JVM start to first served request of the demo user service, with and without the agent, repeated
 * and alternated; and the RSS of each right after that first request and after a short burst.
 */
public final class StartupBench {
  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    Path demoJar = args.path("demo-jar", "demo-user-service/target/demo-user-service.jar");
    Path agentJar = args.path("agent-jar", "agent/target/inboard-agent.jar");
    Path work = args.path("work", "bench/target/startup");
    Path result = args.path("out", "bench/target/results/startup.json");
    int repeats = args.integer("repeats", 5);
    int burst = args.integer("burst", 2000);
    // Then saturation for this long: by its end both JVMs' heaps have settled on the size the load
    // gives them, so the difference no longer depends on where a collection happened to fall.
    Duration load = Duration.ofSeconds(args.integer("load-seconds", 10));
    List<String> jvmOptions = args.words("jvm-options", "-Xmx256m");
    List<String> agentOptions = args.words("agent-options", "");
    Files.createDirectories(result.getParent());

    Map<String, List<Map<String, Object>>> runs = new LinkedHashMap<>();
    String skipped = null;
    boolean withAgent = Files.isRegularFile(agentJar);
    if (!withAgent) {
      skipped = agentJar + " does not exist: the agent was not built";
    }
    try (Launcher launcher = new Launcher(work)) {
      for (int i = 0; i < repeats; i++) {
        // Alternate so that disk cache and machine load drift hit both alike.
        runs.computeIfAbsent("without", k -> new ArrayList<>())
            .add(once(launcher, demoJar, jvmOptions, List.of(), "without-" + i, burst, load));
        if (withAgent) {
          List<String> options = new ArrayList<>();
          options.add("-javaagent:" + agentJar.toAbsolutePath());
          options.addAll(agentOptions);
          try {
            runs.computeIfAbsent("with", k -> new ArrayList<>())
                .add(once(launcher, demoJar, jvmOptions, options, "with-" + i, burst, load));
          } catch (RuntimeException e) {
            skipped = "the service with the agent did not start: " + e.getMessage();
            withAgent = false;
          }
        }
      }
    }
    Map<String, Object> breakdown = new LinkedHashMap<>();
    if (withAgent) {
      // One more pair with native memory tracking, to say where the agent's RSS goes. Not timed:
      // tracking itself costs a little start-up time and memory, alike on both sides.
      try (Launcher launcher = new Launcher(work)) {
        List<String> nmt = new ArrayList<>(jvmOptions);
        nmt.add("-XX:NativeMemoryTracking=summary");
        breakdown.put("without", memoryBreakdown(launcher, demoJar, nmt, List.of(), "nmt-without", burst, load));
        List<String> options = new ArrayList<>();
        options.add("-javaagent:" + agentJar.toAbsolutePath());
        options.addAll(agentOptions);
        breakdown.put("with", memoryBreakdown(launcher, demoJar, nmt, options, "nmt-with", burst, load));
      } catch (RuntimeException e) {
        breakdown.put("error", e.getMessage());
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("repeats", repeats);
    out.put("burst", burst);
    out.put("loadSeconds", load.toSeconds());
    out.put("jvmOptions", String.join(" ", jvmOptions));
    out.put("agentOptions", String.join(" ", agentOptions));
    if (skipped != null) {
      out.put("skipped", skipped);
    }
    runs.forEach((name, list) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("runs", list);
      for (String key : List.of("firstRequestS", "rssAfterFirstMb", "rssAfterBurstMb", "rssUnderLoadMb", "threads")) {
        m.put(key + "Median", median(list.stream().map(r -> ((Number) r.get(key)).doubleValue()).toList()));
      }
      out.put(name, m);
      System.out.printf("[startup] %-7s agent: first request after %.3f s (median of %d), RSS %.1f MB, after %d"
          + " requests %.1f MB, after %d s of load %.1f MB%n", name, m.get("firstRequestSMedian"), list.size(),
          m.get("rssAfterFirstMbMedian"), burst, m.get("rssAfterBurstMbMedian"), load.toSeconds(),
          m.get("rssUnderLoadMbMedian"));
    });
    out.put("memoryBreakdown", breakdown);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(result.toFile(), out);
    System.out.println("[startup] wrote " + result);
  }

  /**
   * Starts the service with native memory tracking, serves the first request, the burst and the
   * load, and returns RSS with the JVM's committed memory per area ({@code jcmd VM.native_memory
   * summary}) and the heap in use after a full collection ({@code jcmd GC.heap_info}).
   */
  private static Map<String, Object> memoryBreakdown(Launcher launcher, Path demoJar, List<String> jvmOptions,
      List<String> agentOptions, String role, int burst, Duration load) throws IOException {
    Launched service = start(launcher, demoJar, jvmOptions, agentOptions, role);
    try {
      HttpProbe.awaitOk(service, "/", Duration.ofMillis(5), Duration.ofSeconds(60));
      burst(service.port(), burst);
      load(service.port(), load);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("rssMb", Math.round(service.sample().rssMb() * 10) / 10.0);
      Map<String, Object> areas = new LinkedHashMap<>();
      java.util.regex.Matcher m = java.util.regex.Pattern
          .compile("(?m)^-\\s+([A-Za-z ]+?) \\(reserved=\\d+KB, committed=(\\d+)KB\\)")
          .matcher(jcmd(service.pid(), "VM.native_memory", "summary"));
      while (m.find()) {
        areas.put(m.group(1).trim(), Math.round(Long.parseLong(m.group(2)) / 102.4) / 10.0);
      }
      r.put("committedMbByArea", areas);
      jcmd(service.pid(), "GC.run");
      java.util.regex.Matcher heap = java.util.regex.Pattern.compile("heap\\s+total\\s+(\\d+)K,\\s+used\\s+(\\d+)K")
          .matcher(jcmd(service.pid(), "GC.heap_info"));
      if (heap.find()) {
        r.put("heapLiveAfterGcMb", Math.round(Long.parseLong(heap.group(2)) / 102.4) / 10.0);
      }
      r.put("rssAfterGcMb", Math.round(service.sample().rssMb() * 10) / 10.0);
      return r;
    } finally {
      launcher.stop(service);
    }
  }

  /** The demo service on a free port, with {@code agentOptions} ({@code {port}} replaced by it). */
  private static Launched start(Launcher launcher, Path demoJar, List<String> jvmOptions, List<String> agentOptions,
      String role) throws IOException {
    int port = Launcher.freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(agentOptions.stream().map(o -> o.replace("{port}", Integer.toString(port))).toList());
    command.add("-jar");
    command.add(demoJar.toAbsolutePath().toString());
    return launcher.start("startup " + role, port, command,
        Map.of("HOST", "127.0.0.1", "PORT", Integer.toString(port), "VERSION", "v1"));
  }

  /** {@code count} requests one after another, each on a new connection. */
  private static void burst(int port, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      HttpProbe.status(port, "/");
    }
  }

  /** {@code wrk} at saturation (8 connections) for {@code duration}; nothing when it is zero. */
  private static void load(int port, Duration duration) {
    if (!duration.isZero()) {
      Wrk.run(port, 1, 8, duration);
    }
  }

  private static String jcmd(long pid, String... command) throws IOException {
    List<String> line = new ArrayList<>();
    line.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    line.add(Long.toString(pid));
    line.addAll(List.of(command));
    Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    try {
      p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return text;
  }

  private static Map<String, Object> once(Launcher launcher, Path demoJar, List<String> jvmOptions,
      List<String> agentOptions, String role, int burst, Duration load) throws IOException {
    Launched service = start(launcher, demoJar, jvmOptions, agentOptions, role);
    try {
      long served = HttpProbe.awaitOk(service, "/", Duration.ofMillis(5), Duration.ofSeconds(60));
      double seconds = (served - service.startedNanos()) / 1e9;
      ProcSample first = service.sample();
      burst(service.port(), burst);
      ProcSample afterBurst = service.sample();
      load(service.port(), load);
      ProcSample afterLoad = service.sample();
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("firstRequestS", Math.round(seconds * 1000) / 1000.0);
      r.put("rssAfterFirstMb", Math.round(first.rssMb() * 10) / 10.0);
      r.put("rssAfterBurstMb", Math.round(afterBurst.rssMb() * 10) / 10.0);
      r.put("rssUnderLoadMb", Math.round(afterLoad.rssMb() * 10) / 10.0);
      r.put("threads", afterLoad.threads());
      return r;
    } finally {
      launcher.stop(service);
    }
  }

  static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
}
