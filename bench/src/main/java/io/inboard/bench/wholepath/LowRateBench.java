package io.inboard.bench.wholepath;

import io.inboard.bench.harness.Args;
import io.inboard.bench.harness.Launched;
import io.inboard.bench.harness.Launcher;
import io.inboard.bench.load.FixedRateLoad;
import io.inboard.bench.proc.ProcSample;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU per request of one demo user service at saturation and then at fixed low rates.
 *
 * <p>A canary's second instance serves a tenth of the calls, and on this kind of machine a JVM that
 * sleeps between requests spends several times the CPU per request of a busy one. This tool measures
 * that alone, without a mesh, so that the whole-path figures can be read against it
 * (bench/ANALYSIS.md, section 3). Run it with {@code bench/low-rate.sh}.
 */
public final class LowRateBench {
  private LowRateBench() {}

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    Path demoJar = args.path("demo-jar", "demo-user-service/target/demo-user-service.jar");
    List<String> jvmOptions = args.words("jvm-options", "-Xmx256m");
    Duration saturation = Duration.ofSeconds(args.integer("saturation-seconds", 40));
    int wrkConnections = args.integer("wrk-connections", 8);
    int connections = args.integer("connections", 1);
    // "name: value" pairs, e.g. the x-request-id a meshed caller sends (the agent's filter then
    // captures a header, as on the whole path, instead of generating one).
    List<String> headers = args.list("headers", "");
    List<Integer> rates = args.list("rates", "50,100,400").stream().map(Integer::parseInt).toList();
    Duration settle = Duration.ofSeconds(args.integer("settle-seconds", 30));
    Duration phase = Duration.ofSeconds(args.integer("seconds", 20));

    Path work = args.path("work", "bench/target/low-rate");
    try (Launcher launcher = new Launcher(work)) {
      Launched service = new Setups(launcher, demoJar, jvmOptions, work).user("low-rate user-v2", "v2");

      ProcSample before = service.sample();
      Wrk.Result busy = Wrk.all(List.of(service.port()), 1, wrkConnections, saturation, headerMap(headers)).get(0);
      report("saturation (wrk, " + wrkConnections + " connections)", busy.rps(), busy.requests(), before,
          service.sample());

      // One connection by default, as a caller sending a tenth of its calls to this instance would
      // mostly use.
      FixedRateLoad load =
          new FixedRateLoad(FixedRateLoad.Target.loopback(service.port(), "/").withHeaders(headers), connections);
      try {
        for (int rate : rates) {
          // Unrecorded first: the JIT recompiles the request path after the load changes, for over a
          // minute at 50 requests/s (bench/ANALYSIS.md, section 3); --settle-seconds sets how long.
          load.run(rate, settle);
          before = service.sample();
          FixedRateLoad.PhaseResult result = load.run(rate, phase);
          report(rate + " requests/s, " + connections + " connection(s)", result.achievedRps(), result.ok(), before, service.sample());
        }
      } finally {
        load.close();
      }
    }
  }

  private static Map<String, String> headerMap(List<String> headers) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String header : headers) {
      int colon = header.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("--headers: expected 'name: value', got '" + header + "'");
      }
      map.put(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
    }
    return map;
  }

  private static void report(String phase, double rps, long requests, ProcSample before, ProcSample after) {
    double cpu = after.cpuSecondsSince(before);
    double jit = after.compilerSecondsSince(before);
    System.out.printf("%-40s %9.0f requests/s %8d requests  CPU per request %.3f ms (JIT threads %.3f ms)%n",
        phase, rps, requests, cpu * 1000 / Math.max(1, requests), jit * 1000 / Math.max(1, requests));
  }
}
