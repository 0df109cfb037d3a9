package io.inboard.bench.wholepath;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.inboard.bench.harness.Args;
import io.inboard.bench.harness.Launched;
import io.inboard.bench.harness.Launcher;
import io.inboard.bench.load.FixedRateLoad;
import io.inboard.bench.load.LatencyFigures;
import io.inboard.bench.proc.ProcSample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The whole-path benchmark: load generator -> frontend -> user on loopback, in the plain,
 * plain-canary, inboard and proxy set-ups, all running at once and measured in turns (interleaved, so
 * drift in the machine's load hits them all alike). Per set-up: latency at fixed rates (coordinated
 * omission corrected), saturation throughput with wrk, CPU seconds per 1000 requests and RSS of
 * every process from /proc. Writes one JSON file that {@code ReportWriter} turns into the report.
 */
public final class WholePathBench {
  /** Longer than the demo client's 20 s keep-alive, so its pool has closed the idle connections. */
  private static final Duration IDLE_BEFORE_REWARM = Duration.ofSeconds(25);

  private final Args args;
  private final Map<String, Object> out = new LinkedHashMap<>();
  private int jfrSeconds;
  /** JFR's {@code method-profiling} option: normal (20 ms), high (10 ms) or max (1 ms between samples). */
  private String jfrMethodProfiling;
  private Duration instanceWarmup;
  private Duration saturationPhaseWarmup;
  private final Map<String, Map<String, String>> instanceHeaders = new LinkedHashMap<>();
  private Path jfrDir;

  private WholePathBench(Args args) {
    this.args = args;
  }

  public static void main(String[] argv) throws Exception {
    new WholePathBench(new Args(argv)).run();
  }

  private void run() throws Exception {
    Path demoJar = args.path("demo-jar", "demo-user-service/target/demo-user-service.jar");
    Path agentJar = args.path("agent-jar", "agent/target/inboard-agent.jar");
    Path work = args.path("work", "bench/target/wholepath");
    Path result = args.path("out", "bench/target/results/wholepath.json");
    List<String> setupNames = args.list("setups", "plain,plain-canary,inboard,proxy");
    List<Integer> rates = args.list("rates", "500,1000").stream().map(Integer::parseInt).toList();
    Duration warmup = Duration.ofSeconds(args.integer("warmup-seconds", 10));
    int warmupRounds = args.integer("warmup-rounds", 1);
    Duration phaseWarmup = Duration.ofSeconds(args.integer("phase-warmup-seconds", 2));
    Duration phase = Duration.ofSeconds(args.integer("seconds", 10));
    int rounds = args.integer("rounds", 2);
    int connections = args.integer("connections", 32);
    Duration wrkDuration = Duration.ofSeconds(args.integer("wrk-seconds", 8));
    // The demo services need about a minute under load to reach a steady state (agent/REPORT.md).
    Duration saturationWarmup = Duration.ofSeconds(args.integer("saturation-warmup-seconds", (int) wrkDuration.toSeconds()));
    // A second saturation pass per set-up after all first ones; see measure().
    Duration saturationRewarm = Duration.ofSeconds(args.integer("saturation-rewarm-seconds", 0));
    // Each set-up's service instances, loaded directly at saturation; see measure().
    instanceWarmup = Duration.ofSeconds(args.integer("instance-warmup-seconds", 0));
    // Each set-up once more at saturation right before the measured saturation rounds; see measure().
    saturationPhaseWarmup = Duration.ofSeconds(args.integer("saturation-phase-warmup-seconds", 0));
    int wrkRounds = args.integer("wrk-rounds", 2);
    int wrkConnections = args.integer("wrk-connections", 32);
    int wrkThreads = args.integer("wrk-threads", 1);
    jfrSeconds = args.integer("jfr-seconds", 0);
    jfrMethodProfiling = args.string("jfr-method-profiling", "high");
    jfrDir = work;
    List<String> jvmOptions = args.words("jvm-options", "-Xmx256m");
    Files.createDirectories(result.getParent());

    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("rates", rates);
    settings.put("warmupSeconds", warmup.toSeconds());
    settings.put("warmupRounds", warmupRounds);
    settings.put("phaseWarmupSeconds", phaseWarmup.toSeconds());
    settings.put("phaseSeconds", phase.toSeconds());
    settings.put("rounds", rounds);
    settings.put("connections", connections);
    settings.put("wrk", "wrk -t" + wrkThreads + " -c" + wrkConnections + " -d" + wrkDuration.toSeconds() + "s, "
        + wrkRounds + " rounds");
    settings.put("saturationWarmupSeconds", wrkRounds > 0 ? saturationWarmup.toSeconds() : 0);
    settings.put("saturationRewarmSeconds", wrkRounds > 0 ? saturationRewarm.toSeconds() : 0);
    settings.put("instanceWarmupSeconds", instanceWarmup.toSeconds());
    settings.put("saturationPhaseWarmupSeconds", wrkRounds > 0 ? saturationPhaseWarmup.toSeconds() : 0);
    settings.put("idleBeforeRewarmSeconds", IDLE_BEFORE_REWARM.toSeconds());
    settings.put("jvmOptions", String.join(" ", jvmOptions));
    out.put("settings", settings);
    Map<String, String> skipped = new LinkedHashMap<>();
    out.put("skipped", skipped);

    try (Launcher launcher = new Launcher(work)) {
      Setups factory = new Setups(launcher, demoJar, jvmOptions, work);
      List<Setup> setups = new ArrayList<>();
      for (String name : setupNames) {
        System.out.println("[wholepath] starting set-up " + name);
        try {
          setups.add(switch (kind(name)) {
            case "plain" -> factory.plain(name);
            case "proxy" -> factory.proxy(name);
            case "plain-canary" -> factory.plainCanary(name);
            case "inboard" -> factory.inboard(name, agentJar, wiring(launcher, work, name));
            default -> throw new IllegalArgumentException("unknown set-up '" + name
                + "' (plain, plain-canary, inboard, proxy; a second copy of one as e.g. plain-2)");
          });
        } catch (RuntimeException e) {
          System.out.println("[wholepath] set-up " + name + " could not be started: " + e.getMessage());
          skipped.put(name, firstLines(e.getMessage(), 12));
        }
      }
      measure(setups, rates, warmup, warmupRounds, phaseWarmup, phase, rounds, connections,
          wrkThreads, wrkConnections, wrkDuration, wrkRounds, saturationWarmup, saturationRewarm);
    }
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    json.writeValue(result.toFile(), out);
    System.out.println("[wholepath] wrote " + result);
  }

  /**
   * The kind of set-up a name starts: {@code plain-2} is a second, independent copy of {@code plain}
   * (its own JVMs, measured in the same rounds), so that a run can show how far two copies of one
   * set-up differ: the measurement's resolution (bench/replicas.sh).
   */
  public static String kind(String name) {
    return name.replaceFirst("-[0-9]+$", "");
  }

  private MeshWiring wiring(Launcher launcher, Path work, String setupName) {
    String mode = args.string("inboard-mode", "server");
    Path rules = args.path("rules", "bench/src/main/resources/scenarios/10-canary.yaml");
    return switch (mode) {
      case "standalone" -> new StandaloneWiring(rules, work, setupName);
      case "server" -> new ServerWiring(launcher, args.path("config-server-jar",
          "config-server/target/inboard-config-server.jar"), rules, work, setupName);
      default -> throw new IllegalArgumentException("--inboard-mode must be standalone or server, got " + mode);
    };
  }

  private void measure(List<Setup> setups, List<Integer> rates, Duration warmup, int warmupRounds,
      Duration phaseWarmup, Duration phase, int rounds, int connections, int wrkThreads, int wrkConnections, Duration wrkDuration,
      int wrkRounds, Duration saturationWarmup, Duration saturationRewarm) throws Exception {
    Map<String, FixedRateLoad> loads = new LinkedHashMap<>();
    Map<String, Object> described = new LinkedHashMap<>();
    for (Setup setup : setups) {
      FixedRateLoad load = new FixedRateLoad(FixedRateLoad.Target.loopback(setup.entryPort(), "/"), connections);
      loads.put(setup.name(), load);
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("description", setup.description());
      d.put("processes", setup.processes().stream().map(Launched::role).toList());
      d.put("support", setup.support().stream().map(Launched::role).toList());
      d.put("check", check(load));
      if (!instanceWarmup.isZero()) {
        Map<String, String> headers = InstanceHeaders.seenThrough(setup.entryPort());
        instanceHeaders.put(setup.name(), headers);
        d.put("instanceHeaders", headers);
      }
      described.put(setup.name(), d);
    }
    out.put("setups", described);

    out.put("loadAverageBefore", loadAverage());
    // JIT warm-up of every set-up before anything is recorded: first closed loop at saturation, which
    // pushes tens of thousands of requests through every JVM so that the hot paths reach the optimising
    // compiler (at 500 requests/s alone, the first rounds ran with several JVMs still compiling).
    Map<String, Long> warmedAt = new LinkedHashMap<>();
    for (Setup setup : setups) {
      if (wrkRounds > 0) {
        System.out.println("[wholepath] warm-up " + setup.name() + " " + saturationWarmup.toSeconds() + " s at saturation");
        Wrk.run(setup.entryPort(), wrkThreads, wrkConnections, saturationWarmup);
        warmedAt.put(setup.name(), System.nanoTime());
      }
    }
    // Then a second, shorter pass, each set-up once it has been idle for longer than its callers keep
    // idle connections (the demo's pool: 20 s). Closing connections takes branches that saturation
    // never did (a read that returns no bytes), so C2 throws the request path's code away; a JVM that
    // then serves 50-100 requests/s, as the canary's second instance does at the fixed rates, needed
    // 77-82 s to compile it again, and the first measured rounds paid for it (bench/ANALYSIS.md,
    // section 3). Under saturation the recompilation takes seconds.
    if (wrkRounds > 0 && !saturationRewarm.isZero()) {
      for (Setup setup : setups) {
        long idleNanos = System.nanoTime() - warmedAt.get(setup.name());
        long wait = IDLE_BEFORE_REWARM.toNanos() - idleNanos;
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000);
        }
        System.out.println("[wholepath] warm-up again " + setup.name() + " " + saturationRewarm.toSeconds()
            + " s at saturation");
        Wrk.run(setup.entryPort(), wrkThreads, wrkConnections, saturationRewarm);
      }
    }
    // Then each set-up's service instances directly, all of them at once. The canary's second instance
    // serves a tenth of the calls, 50-100 requests/s at the fixed rates, and on 2 cores shared by a
    // dozen JVMs its request path reached C2 only minutes into the run: with -XX:+PrintCompilation,
    // Jetty's request path in user-v2 went from tier 3 to 4 at 312 s, and user-v2's compiler threads
    // were 60-92 % of every canary set-up's compiler CPU inside measured rounds. A canary that has
    // served its share for a while has compiled it; this brings that state within the run. The
    // requests carry the headers the frontend's calls carry (InstanceHeaders): without the agent's
    // x-request-id, Inboard's instances compiled their filter for requests that never come again.
    if (!instanceWarmup.isZero()) {
      for (Setup setup : setups) {
        Map<String, String> headers = instanceHeaders.get(setup.name());
        System.out.println("[wholepath] warm-up " + setup.name() + " instances "
            + setup.instances().stream().map(Launched::role).toList() + " " + instanceWarmup.toSeconds()
            + " s at saturation, directly, with headers " + headers.keySet());
        Wrk.all(setup.instances().stream().map(Launched::port).toList(), wrkThreads, wrkConnections, instanceWarmup,
            headers);
      }
    }
    // Then unrecorded rounds at the fixed rates, interleaved exactly as the measured ones. Warming each
    // set-up at its rates right after its saturation warm-up left it idle for minutes while the others
    // warmed up, and the first measured rounds then cost up to four times the CPU per request of the
    // later ones (compiling again, pools and connections re-established): a warm-up cost, not the
    // set-up's steady state.
    for (int round = 0; round < warmupRounds; round++) {
      for (int rate : rates) {
        for (Setup setup : inTurn(setups, round)) {
          System.out.println("[wholepath] warm-up round " + (round + 1) + " " + setup.name() + " "
              + warmup.toSeconds() + " s at " + rate + " rps");
          loads.get(setup.name()).run(rate, warmup);
        }
      }
    }
    out.put("compilerSettleSeconds", awaitCompilersQuiet(setups));

    Map<String, Map<Integer, Phases>> fixed = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      for (int rate : rates) {
        for (Setup setup : inTurn(setups, round)) {
          FixedRateLoad load = loads.get(setup.name());
          load.run(rate, phaseWarmup);
          Map<Launched, ProcSample> before = sample(setup);
          FixedRateLoad.PhaseResult r = load.run(rate, phase);
          Map<Launched, ProcSample> after = sample(setup);
          System.out.printf("[wholepath] round %d %-12s %5d rps: p50 %s us p99 %s us, %d errors%n", round + 1,
              setup.name(), rate, r.corrected().getValueAtPercentile(50), r.corrected().getValueAtPercentile(99),
              r.errors());
          fixed.computeIfAbsent(setup.name(), k -> new LinkedHashMap<>())
              .computeIfAbsent(rate, k -> new Phases()).add(r, before, after);
        }
      }
    }
    Map<String, Object> fixedOut = new LinkedHashMap<>();
    fixed.forEach((name, byRate) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      byRate.forEach((rate, phases) -> m.put(Integer.toString(rate), phases.toMap()));
      fixedOut.put(name, m);
    });
    out.put("fixedRate", fixedOut);

    // Minutes at 500-1000 requests/s lie between the saturation warm-up and the saturation rounds, and in
    // one run a set-up's first rounds at saturation after them cost more CPU per request than its later
    // ones (inboard's frontend 0.176 and 0.173 CPU-s per 1000 requests in the first two rounds,
    // 0.153-0.160 in the last five): so, as each fixed-rate phase has its unrecorded second, each set-up
    // is brought back to saturation once before the rounds.
    if (wrkRounds > 0 && !saturationPhaseWarmup.isZero()) {
      for (Setup setup : setups) {
        System.out.println("[wholepath] back to saturation " + setup.name() + " " + saturationPhaseWarmup.toSeconds()
            + " s, unrecorded");
        Wrk.run(setup.entryPort(), wrkThreads, wrkConnections, saturationPhaseWarmup);
      }
    }
    Map<String, Map<String, Object>> saturation = new LinkedHashMap<>();
    for (int round = 0; round < wrkRounds; round++) {
      for (Setup setup : inTurn(setups, round)) {
        Map<Launched, ProcSample> before = sample(setup);
        Wrk.Result r = Wrk.run(setup.entryPort(), wrkThreads, wrkConnections, wrkDuration);
        Map<Launched, ProcSample> after = sample(setup);
        System.out.printf("[wholepath] saturation round %d %-12s %.0f rps (%d non-2xx)%n", round + 1, setup.name(),
            r.rps(), r.non2xx());
        Map<String, Object> s = saturation.computeIfAbsent(setup.name(), k -> new LinkedHashMap<>());
        addTo(s, "rps", r.rps());
        addTo(s, "requests", r.requests());
        addTo(s, "non2xx", r.non2xx());
        addTo(s, "socketErrors", r.socketErrors());
        addTo(s, "cpuSecondsPer1000", cpuTotal(before, after) * 1000.0 / Math.max(1, r.requests()));
        // Per process as well: which JVM a set-up's lower throughput comes from.
        @SuppressWarnings("unchecked")
        Map<String, Object> byProcess =
            (Map<String, Object>) s.computeIfAbsent("cpuSecondsPer1000ByProcess", k -> new LinkedHashMap<>());
        after.forEach((p, sample) -> addTo(byProcess, p.role(),
            Math.round(sample.cpuSecondsSince(before.get(p)) * 1e6 / Math.max(1, r.requests())) / 1000.0));
      }
    }
    saturation.values().forEach(s -> {
      @SuppressWarnings("unchecked")
      List<Double> rps = (List<Double>) s.get("rps");
      s.put("rpsMedian", median(rps));
    });
    out.put("saturation", saturation);

    if (jfrSeconds > 0) {
      profile(setups, loads, rates.get(rates.size() - 1));
    }

    Map<String, Object> memory = new LinkedHashMap<>();
    for (Setup setup : setups) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (Launched p : concat(setup.processes(), setup.support())) {
        ProcSample s = p.sample();
        m.put(p.role(), Map.of("rssMb", round1(s.rssMb()), "threads", s.threads(), "cpuSecondsTotal",
            round1(s.cpuSeconds()), "onRequestPath", setup.processes().contains(p)));
      }
      memory.put(setup.name(), m);
    }
    out.put("processes", memory);
    out.put("loadAverageAfter", loadAverage());
    loads.values().forEach(FixedRateLoad::close);
  }

  /**
   * Records a JFR profile of every JVM of each set-up under the fixed-rate load, one set-up at a time
   * (after the measurements: profiling perturbs timing), and writes each recording's hot-method
   * summary next to it ({@code <work>/<role>.jfr}, {@code .hot.txt}).
   */
  private void profile(List<Setup> setups, Map<String, FixedRateLoad> loads, int rate) throws Exception {
    Map<String, Object> summaries = new LinkedHashMap<>();
    for (Setup setup : setups) {
      List<Launched> jvms = setup.processes().stream().filter(p -> !p.role().contains("sidecar")).toList();
      // jcmd attaches slowly on a busy machine: start all recordings at once.
      List<Thread> starting = new ArrayList<>();
      for (Launched p : jvms) {
        Thread t = new Thread(() -> jcmdQuietly(p.pid(), "JFR.start", "name=bench", "settings=profile",
            "method-profiling=" + jfrMethodProfiling));
        t.start();
        starting.add(t);
      }
      for (Thread t : starting) {
        t.join();
      }
      FixedRateLoad.PhaseResult r = loads.get(setup.name()).run(rate, Duration.ofSeconds(jfrSeconds));
      for (Launched p : jvms) {
        Path file = jfrDir.toAbsolutePath().resolve(p.role().replace(' ', '-') + ".jfr");
        jcmd(p.pid(), "JFR.stop", "name=bench", "filename=" + file);
        String summary = io.inboard.bench.profile.HotMethods.summarize(file, io.inboard.bench.profile.HotMethods.AGENT, 25);
        Path text = Path.of(file.toString().replace(".jfr", ".hot.txt"));
        Files.writeString(text, summary);
        summaries.put(p.role(), summary.lines().limit(2).toList());
        System.out.println("[wholepath] profiled " + p.role() + " at " + rate + " rps (" + r.ok() + " requests): "
            + summary.lines().skip(1).findFirst().orElse("") + " -> " + text);
      }
    }
    out.put("profiles", summaries);
  }

  private static void jcmdQuietly(long pid, String... command) {
    try {
      jcmd(pid, command);
    } catch (Exception e) {
      System.out.println("[wholepath] " + e.getMessage());
    }
  }

  private static void jcmd(long pid, String... command) throws Exception {
    List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(pid)));
    line.addAll(List.of(command));
    Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0 || text.contains("Exception")) {
      throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed for " + pid + ": " + text);
    }
  }

  /** Sends 200 requests and counts the versions that answered, to prove the set-up routes as meant. */
  private static Map<String, Object> check(FixedRateLoad load) throws Exception {
    Map<String, Integer> versions = new LinkedHashMap<>();
    Map<String, Integer> statuses = new LinkedHashMap<>();
    for (String response : load.responses(200)) {
      String status = response.length() >= 12 ? response.substring(9, 12) : "???";
      statuses.merge(status, 1, Integer::sum);
      String version = "none";
      for (String line : response.split("\n")) {
        if (line.toLowerCase().startsWith("x-downstream-version:")) {
          version = line.substring(line.indexOf(':') + 1).trim();
        }
        if (line.isEmpty()) {
          break;
        }
      }
      versions.merge(version, 1, Integer::sum);
    }
    return Map.of("requests", 200, "statuses", statuses, "downstreamVersions", versions);
  }

  /** The machine's 1/5/15-minute load averages: how busy the shared machine was around the run. */
  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  /**
   * The set-ups in the order of round {@code round}: rotated by one each round, so that no set-up
   * always runs right after the same neighbour.
   */
  static List<Setup> inTurn(List<Setup> setups, int round) {
    List<Setup> order = new ArrayList<>(setups);
    Collections.rotate(order, -round);
    return order;
  }

  /**
   * Waits, at most 90 s, until the JIT compiler threads of all set-ups' JVMs together use less than
   * a tenth of a core: warming nine JVMs up one after the other leaves compilation queued in all of
   * them, and rounds measured while it drains show the compilers, not the set-ups. Returns the wait.
   */
  private static double awaitCompilersQuiet(List<Setup> setups) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + Duration.ofSeconds(90).toNanos();
    double previous = compilerSeconds(setups);
    while (System.nanoTime() < deadline) {
      Thread.sleep(2000);
      double now = compilerSeconds(setups);
      double share = (now - previous) / 2.0;
      previous = now;
      if (share < 0.1) {
        break;
      }
    }
    double waited = (System.nanoTime() - start) / 1e9;
    System.out.printf("[wholepath] JIT compilers quiet after %.0f s%n", waited);
    return Math.round(waited * 10) / 10.0;
  }

  private static double compilerSeconds(List<Setup> setups) {
    double total = 0;
    for (Setup setup : setups) {
      for (ProcSample s : sample(setup).values()) {
        total += s.compilerTicks() / ProcSample.TICKS_PER_SECOND;
      }
    }
    return total;
  }

  private static Map<Launched, ProcSample> sample(Setup setup) {
    Map<Launched, ProcSample> samples = new LinkedHashMap<>();
    for (Launched p : setup.processes()) {
      samples.put(p, p.sample());
    }
    return samples;
  }

  private static double cpuTotal(Map<Launched, ProcSample> before, Map<Launched, ProcSample> after) {
    double total = 0;
    for (Map.Entry<Launched, ProcSample> e : after.entrySet()) {
      total += e.getValue().cpuSecondsSince(before.get(e.getKey()));
    }
    return total;
  }

  @SuppressWarnings("unchecked")
  private static void addTo(Map<String, Object> map, String key, Object value) {
    ((List<Object>) map.computeIfAbsent(key, k -> new ArrayList<>())).add(value);
  }

  static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  static double round1(double value) {
    return Math.round(value * 10) / 10.0;
  }

  private static List<Launched> concat(List<Launched> a, List<Launched> b) {
    List<Launched> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static String firstLines(String text, int lines) {
    if (text == null) {
      return "(no message)";
    }
    String[] all = text.split("\n");
    return String.join("\n", Arrays.asList(all).subList(0, Math.min(lines, all.length)));
  }

  /** The phases of one set-up at one rate, over all rounds: histograms merged, CPU added up. */
  private static final class Phases {
    final Histogram corrected = new Histogram(60_000_000L, 3);
    final Histogram service = new Histogram(60_000_000L, 3);
    final Map<String, Histogram> correctedByDownstreamVersion = new TreeMap<>();
    final Map<String, Double> cpu = new LinkedHashMap<>();
    final Map<String, Double> compiler = new LinkedHashMap<>();
    final List<Map<String, Object>> rounds = new ArrayList<>();
    long sent;
    long ok;
    long errors;
    String firstError;
    long wallNanos;

    void add(FixedRateLoad.PhaseResult r, Map<Launched, ProcSample> before, Map<Launched, ProcSample> after) {
      corrected.add(r.corrected());
      service.add(r.service());
      Map<String, Object> byVersion = new LinkedHashMap<>();
      r.correctedByDownstreamVersion().forEach((version, h) -> {
        correctedByDownstreamVersion.computeIfAbsent(version, v -> new Histogram(60_000_000L, 3)).add(h);
        byVersion.put(version, LatencyFigures.of(h).toMap());
      });
      sent += r.sent();
      ok += r.ok();
      errors += r.errors();
      wallNanos += r.wallNanos();
      if (firstError == null) {
        firstError = r.firstError();
      }
      double cpuThisRound = 0;
      double compilerThisRound = 0;
      for (Map.Entry<Launched, ProcSample> e : after.entrySet()) {
        double seconds = e.getValue().cpuSecondsSince(before.get(e.getKey()));
        cpu.merge(e.getKey().role(), seconds, Double::sum);
        cpuThisRound += seconds;
        double compiling = e.getValue().compilerSecondsSince(before.get(e.getKey()));
        compiler.merge(e.getKey().role(), compiling, Double::sum);
        compilerThisRound += compiling;
      }
      Map<String, Object> round = new LinkedHashMap<>();
      round.put("endedAt", Instant.now().toString());
      round.put("p50", r.corrected().getValueAtPercentile(50));
      round.put("p90", r.corrected().getValueAtPercentile(90));
      round.put("p99", r.corrected().getValueAtPercentile(99));
      round.put("byDownstreamVersion", byVersion);
      round.put("errors", r.errors());
      round.put("cpuSecondsPer1000", per1000(cpuThisRound, r.ok()));
      round.put("compilerCpuSecondsPer1000", per1000(compilerThisRound, r.ok()));
      rounds.add(round);
    }

    /** CPU seconds per 1000 requests, to four decimals. */
    private static double per1000(double seconds, long requests) {
      return Math.round(seconds * 1000.0 / Math.max(1, requests) * 1e4) / 1e4;
    }

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      double cpuTotal = cpu.values().stream().mapToDouble(Double::doubleValue).sum();
      m.put("sent", sent);
      m.put("ok", ok);
      m.put("errors", errors);
      if (firstError != null) {
        m.put("firstError", firstError);
      }
      m.put("achievedRps", round1(sent * 1e9 / Math.max(1, wallNanos)));
      m.put("latencyUs", LatencyFigures.of(corrected).toMap());
      m.put("serviceTimeUs", LatencyFigures.of(service).toMap());
      Map<String, Object> byVersion = new LinkedHashMap<>();
      correctedByDownstreamVersion.forEach((version, h) -> byVersion.put(version, LatencyFigures.of(h).toMap()));
      m.put("latencyByDownstreamVersionUs", byVersion);
      Map<String, Object> perProcess = new LinkedHashMap<>();
      cpu.forEach((role, seconds) -> perProcess.put(role, per1000(seconds, ok)));
      m.put("cpuSecondsPer1000ByProcess", perProcess);
      Map<String, Object> compilerPerProcess = new LinkedHashMap<>();
      compiler.forEach((role, seconds) -> compilerPerProcess.put(role, per1000(seconds, ok)));
      m.put("compilerCpuSecondsPer1000ByProcess", compilerPerProcess);
      m.put("cpuSeconds", Math.round(cpuTotal * 100) / 100.0);
      m.put("cpuSecondsPer1000", per1000(cpuTotal, ok));
      m.put("compilerCpuSecondsPer1000",
          per1000(compiler.values().stream().mapToDouble(Double::doubleValue).sum(), ok));
      m.put("rounds", rounds);
      return m;
    }
  }
}
