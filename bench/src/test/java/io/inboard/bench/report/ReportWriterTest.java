package io.inboard.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static String phase(int p50, int p99, double cpuSeconds, int ok) {
    return """
        {"ok": %d, "errors": 0, "sent": %d, "achievedRps": 500, "cpuSeconds": %s, "cpuSecondsPer1000": 0,
         "latencyUs": {"p50": %d, "p90": %d, "p99": %d, "p99.9": %d, "max": %d, "mean": 1},
         "serviceTimeUs": {"p50": 1, "p99": 1}, "rounds": []}
        """.formatted(ok, ok, cpuSeconds, p50, p50, p99, p99, p99);
  }

  private void writeFixtures() throws Exception {
    Path results = Files.createDirectories(dir.resolve("results"));
    // At 500 rps: plain 1000/2000 us, inboard +50/+100, proxy +500/+2000. At 1000 rps the ratios are
    // worse (0.2 and 0.1): the headline must take the worse of the two.
    Files.writeString(results.resolve("wholepath.json"), """
        {"settings": {}, "skipped": {}, "setups": {},
         "fixedRate": {
           "plain":   {"500": %s, "1000": %s},
           "inboard": {"500": %s, "1000": %s},
           "proxy":   {"500": %s, "1000": %s}},
         "saturation": {"plain": {"rps": [1000], "rpsMedian": 1000}, "inboard": {"rps": [960], "rpsMedian": 960},
                        "proxy": {"rps": [700], "rpsMedian": 700}},
         "processes": {}}
        """.formatted(
            phase(1000, 2000, 10, 10000), phase(1000, 2000, 10, 10000),
            phase(1050, 2100, 11, 10000), phase(1100, 2200, 11, 10000),
            phase(1500, 4000, 20, 10000), phase(1500, 4000, 20, 10000)));
    Files.writeString(results.resolve("startup.json"), """
        {"repeats": 5, "burst": 2000,
         "without": {"firstRequestSMedian": 1.2, "rssAfterBurstMbMedian": 100.0, "rssAfterFirstMbMedian": 90, "runs": []},
         "with": {"firstRequestSMedian": 1.5, "rssAfterBurstMbMedian": 125.5, "rssAfterFirstMbMedian": 110, "runs": []}}
        """);
    Files.writeString(results.resolve("controlplane.json"), """
        {"agents": 200, "edits": 50, "editToApplied": {"p50Ms": 20.0, "p99Ms": 150.5}}
        """);
    Files.writeString(results.resolve("jmh-router.json"), """
        [{"benchmark": "io.inboard.bench.jmh.RouterBenchmark.route", "mode": "sample",
          "params": {"scenario": "rules200-last"},
          "primaryMetric": {"score": 3000, "scoreError": 1, "scoreUnit": "ns/op", "scorePercentiles": {"50.0": 2900}}},
         {"benchmark": "io.inboard.bench.jmh.RouterBenchmark.route", "mode": "sample",
          "params": {"scenario": "canary-mesh"},
          "primaryMetric": {"score": 0.31, "scoreError": 0.01, "scoreUnit": "us/op", "scorePercentiles": {"50.0": 0.25}}}]
        """);
  }

  /** Writes REPORT.md and results.json from the fixtures under results/; returns results.json. */
  private JsonNode writeReport() throws Exception {
    Path json = dir.resolve("results.json");
    ReportWriter.main(new String[] {"--results", dir.resolve("results").toString(), "--report",
        dir.resolve("REPORT.md").toString(), "--json", json.toString(), "--analysis", dir.resolve("none.md").toString()});
    return JSON.readTree(json.toFile());
  }

  @Test
  void computesTheHeadlineFiguresFromTheRunsFiles() throws Exception {
    writeFixtures();
    Path report = dir.resolve("REPORT.md");
    JsonNode r = writeReport();
    assertThat(r.get("added_latency_ratio_p50").asDouble()).isEqualTo(0.2); // (1100-1000)/(1500-1000)
    assertThat(r.get("added_latency_ratio_p99").asDouble()).isEqualTo(0.1); // (2200-2000)/(4000-2000)
    assertThat(r.get("throughput_ratio").asDouble()).isEqualTo(0.96);
    assertThat(r.get("cpu_per_request_ratio").asDouble()).isEqualTo(1.1);
    assertThat(r.get("agent_rss_mb").asDouble()).isEqualTo(25.5);
    assertThat(r.get("agent_startup_s").asDouble()).isEqualTo(0.3);
    assertThat(r.get("edit_to_applied_p99_ms").asDouble()).isEqualTo(150.5);
    assertThat(r.get("router_decision_ns_p50").asDouble()).isEqualTo(250.0);
    String md = Files.readString(report);
    assertThat(md).contains("| Added latency p50 (inboard-plain)/(proxy-plain) | <= 0.10 | 0.200 | MISSED by 0.100 |");
    assertThat(md).contains("| Saturation throughput inboard/plain | >= 0.95 | 0.960 | met |");
    // Without a plain-canary set-up there is no figure against it, not a made-up one.
    assertThat(r.has("cpu_per_request_ratio_vs_plain_canary")).isFalse();
    assertThat(md).doesNotContain("The agents' own cost");
  }

  @Test
  void saysWhichRunItsFiguresComeFromWhenRenderedAgainLater() throws Exception {
    writeFixtures();
    writeReport();
    assertThat(Files.readString(dir.resolve("REPORT.md"))).doesNotContain("from the run started");
    Files.writeString(dir.resolve("results").resolve("machine.txt"), "date:    2026-01-02T03:04:05Z\ncpu:     2 cores\n");
    writeReport();
    assertThat(Files.readString(dir.resolve("REPORT.md")).lines().skip(2).findFirst().orElseThrow())
        .startsWith("Generated by `bench/run.sh` on ").contains(" from the run started 2026-01-02T03:04:05Z. ");
  }

  @Test
  void takesTheAgentsRssUnderLoadWhenTheRunMeasuredIt() throws Exception {
    writeFixtures();
    Files.writeString(dir.resolve("results").resolve("startup.json"), """
        {"repeats": 5, "burst": 2000, "loadSeconds": 8,
         "without": {"firstRequestSMedian": 1.2, "rssAfterBurstMbMedian": 100.0, "rssAfterFirstMbMedian": 90,
                     "rssUnderLoadMbMedian": 250.0, "runs": [{"firstRequestS": 1.2, "rssUnderLoadMb": 250.0}]},
         "with": {"firstRequestSMedian": 1.5, "rssAfterBurstMbMedian": 135.0, "rssAfterFirstMbMedian": 110,
                  "rssUnderLoadMbMedian": 258.5, "runs": [{"firstRequestS": 1.5, "rssUnderLoadMb": 258.5}]}}
        """);
    Path report = dir.resolve("REPORT.md");
    JsonNode r = writeReport();
    assertThat(r.get("agent_rss_mb").asDouble()).isEqualTo(8.5); // not the burst's 35
    assertThat(r.at("/notes/agent_rss_mb").asText()).contains("8 s of wrk at saturation");
    assertThat(Files.readString(report)).contains("| with | 1.50 | 1.5 | 110 | 135 | 259 | 258.5 |");
  }

  @Test
  void describesTheSecondSaturationPassOnlyWhenTheRunMadeOne() throws Exception {
    writeFixtures();
    Path whole = dir.resolve("results").resolve("wholepath.json");
    Path report = dir.resolve("REPORT.md");

    writeReport();
    assertThat(Files.readString(report)).contains("warm-up per set-up 0 s at saturation, then ")
        .doesNotContain("more at saturation");

    JsonNode run = JSON.readTree(whole.toFile());
    ((com.fasterxml.jackson.databind.node.ObjectNode) run).set("settings",
        JSON.readTree("{\"saturationWarmupSeconds\": 30, \"saturationRewarmSeconds\": 15,"
            + " \"idleBeforeRewarmSeconds\": 25}"));
    JSON.writeValue(whole.toFile(), run);
    writeReport();
    assertThat(Files.readString(report)).contains("warm-up per set-up 30 s at saturation, then, after at least 25 s"
        + " idle (so that the callers' pools have closed their idle connections), 15 s more at saturation, then ");
  }

  @Test
  void takesThroughputRoundByRoundAndSaysWhenItsIntervalHoldsTheTarget() throws Exception {
    writeFixtures();
    Path whole = dir.resolve("results").resolve("wholepath.json");
    // The machine slows down and speeds up by 20 % from round to round, for both set-ups alike; inboard's
    // ratios, sorted, are 0.93, 0.94, 0.945, 0.955, 0.96 and 0.97.
    JsonNode run = JSON.readTree(whole.toFile());
    ((com.fasterxml.jackson.databind.node.ObjectNode) run).set("saturation", JSON.readTree("""
        {"plain": {"rps": [1000, 1200, 1000, 1200, 1000, 1200], "rpsMedian": 1100,
                   "cpuSecondsPer1000ByProcess": {"plain frontend": [0.2, 0.1, 0.3], "plain user-v1": [0.1]}},
         "inboard": {"rps": [930, 1146, 960, 1128, 970, 1134], "rpsMedian": 1049},
         "proxy": {"rps": [700, 840, 700, 840, 700, 840], "rpsMedian": 770}}
        """));
    JSON.writeValue(whole.toFile(), run);
    // A previous run with an interval too, and one without (older runs): both shown beside this one.
    Files.writeString(dir.resolve("results").resolve("previous-results.json"), """
        {"generated": "earlier", "added_latency_ratio_p50": 0.2, "throughput_ratio": 0.9,
         "throughput_ratio_interval": [0.88, 0.92]}
        """);
    Path report = dir.resolve("REPORT.md");
    JsonNode r = writeReport();
    // The median of the rounds' ratios, not 1049 / 1100 = 0.954.
    assertThat(r.get("throughput_ratio").asDouble()).isEqualTo(0.95);
    // Six rounds: the smallest and largest ratio hold the median with 1 - 2/64 = 96.9 %.
    assertThat(r.get("throughput_ratio_interval").toString()).isEqualTo("[0.93,0.97]");
    String md = Files.readString(report);
    assertThat(md).contains("| Saturation throughput inboard/plain | >= 0.95 | 0.950 (96.9 % interval 0.930-0.970,"
        + " 6 rounds) | met (not resolved: the interval holds the target) |");
    assertThat(md).contains("| proxy | 700, 840, 700, 840, 700, 840 | 770 | 0.700 (96.9 % interval 0.700-0.700, 6 rounds) |");
    assertThat(md).contains("| plain | plain frontend 0.200; plain user-v1 0.100 |");
    assertThat(md).contains("| `throughput_ratio` | 0.9 | 0.950 |").contains("| `throughput_ratio_interval` | 0.88-0.92 | 0.930-0.970 |");
  }

  @Test
  void setsTheAgentsOwnCostAgainstTheCanaryWithoutAMeshBesideTheTargets() throws Exception {
    writeFixtures();
    Path whole = dir.resolve("results").resolve("wholepath.json");
    // plain-canary pays the canary's second instance: +40/+50 us at 500 rps, +80/+100 at 1000, 5 % more CPU.
    JsonNode run = JSON.readTree(whole.toFile());
    ((com.fasterxml.jackson.databind.node.ObjectNode) run.get("fixedRate")).set("plain-canary", JSON.readTree(
        "{\"500\": %s, \"1000\": %s}".formatted(phase(1040, 2050, 10.5, 10000), phase(1080, 2100, 10.5, 10000))));
    ((com.fasterxml.jackson.databind.node.ObjectNode) run.get("saturation")).set("plain-canary",
        JSON.readTree("{\"rps\": [940], \"rpsMedian\": 940, \"cpuSecondsPer1000\": [0.21]}"));
    ((com.fasterxml.jackson.databind.node.ObjectNode) run.get("saturation").get("plain")).set("cpuSecondsPer1000",
        JSON.readTree("[0.2]"));
    ((com.fasterxml.jackson.databind.node.ObjectNode) run.get("saturation").get("inboard")).set("cpuSecondsPer1000",
        JSON.readTree("[0.23]"));
    JSON.writeValue(whole.toFile(), run);
    Path report = dir.resolve("REPORT.md");
    JsonNode r = writeReport();
    // The targets' figures stay against plain.
    assertThat(r.get("added_latency_ratio_p50").asDouble()).isEqualTo(0.2);
    assertThat(r.get("cpu_per_request_ratio").asDouble()).isEqualTo(1.1);
    // Against plain-canary: 1000 rps is the worse rate, (1100-1080)/(1500-1080) and (2200-2100)/(4000-2100).
    assertThat(r.get("added_latency_ratio_p50_vs_plain_canary").asDouble()).isEqualTo(0.048);
    assertThat(r.get("added_latency_ratio_p99_vs_plain_canary").asDouble()).isEqualTo(0.053);
    assertThat(r.get("cpu_per_request_ratio_vs_plain_canary").asDouble()).isEqualTo(1.048); // 22 / 21
    assertThat(r.get("throughput_ratio_vs_plain_canary").asDouble()).isEqualTo(1.021); // 960 / 940
    String md = Files.readString(report);
    assertThat(md).contains("| CPU per request | <= 1.10 | 1.10 | 1.05 | 1.05 |");
    assertThat(md).contains("| CPU per request at saturation (round by round) | - | 1.15 | 1.10 | 1.05 |");
    // The canary alone, (plain-canary - plain) / (proxy - plain): 80/500 at 1000 rps, 100/2000 there at p99.
    assertThat(md).contains("| added latency p50, (set-up - base) / (proxy - base) | <= 0.10 | 0.200 | 0.048 | 0.160 |");
    assertThat(md).contains("| added latency p99, (set-up - base) / (proxy - base) | <= 0.10 | 0.100 | 0.053 | 0.050 |");
    assertThat(md).contains("| saturation throughput | >= 0.95 | 0.960 | 1.02 | 0.940 |");
  }

  @Test
  void splitsTheLatencyByTheVersionThatAnsweredTheFrontendsCall() throws Exception {
    writeFixtures();
    Path whole = dir.resolve("results").resolve("wholepath.json");
    JsonNode run = JSON.readTree(whole.toFile());
    // plain: v1 answers every call, 500 us at p50 in both rounds; inboard: v1 520 and 540 us, v2 (a
    // tenth) 650 and 700 us; v2 missing from a third round (no call went there) does not count.
    ((com.fasterxml.jackson.databind.node.ObjectNode) run.get("fixedRate").get("plain")).set("500", JSON.readTree("""
        {"ok": 3000, "sent": 3000, "errors": 0, "achievedRps": 500, "cpuSeconds": 10, "cpuSecondsPer1000": 0,
         "latencyUs": {"p50": 500, "p90": 1, "p99": 2000, "p99.9": 1, "max": 1, "mean": 1}, "serviceTimeUs": {"p50": 1, "p99": 1},
         "latencyByDownstreamVersionUs": {"v1": {"count": 3000, "p50": 500, "p90": 700, "p99": 2000}},
         "rounds": [{"p50": 500, "p99": 2000, "byDownstreamVersion": {"v1": {"count": 1500, "p50": 500, "p90": 700, "p99": 2000}}},
                    {"p50": 500, "p99": 2000, "byDownstreamVersion": {"v1": {"count": 1500, "p50": 500, "p90": 700, "p99": 2000}}}]}
        """));
    ((com.fasterxml.jackson.databind.node.ObjectNode) run.get("fixedRate").get("inboard")).set("500", JSON.readTree("""
        {"ok": 3000, "sent": 3000, "errors": 0, "achievedRps": 500, "cpuSeconds": 10, "cpuSecondsPer1000": 0,
         "latencyUs": {"p50": 530, "p90": 1, "p99": 2100, "p99.9": 1, "max": 1, "mean": 1}, "serviceTimeUs": {"p50": 1, "p99": 1},
         "latencyByDownstreamVersionUs": {"v1": {"count": 2700, "p50": 530, "p90": 720, "p99": 2050},
                                          "v2": {"count": 300, "p50": 680, "p90": 900, "p99": 3000}},
         "rounds": [{"p50": 520, "p99": 2000, "byDownstreamVersion": {"v1": {"count": 1350, "p50": 520, "p90": 710, "p99": 2000},
                                                                      "v2": {"count": 150, "p50": 650, "p90": 880, "p99": 2900}}},
                    {"p50": 540, "p99": 2200, "byDownstreamVersion": {"v1": {"count": 1350, "p50": 540, "p90": 730, "p99": 2100},
                                                                      "v2": {"count": 150, "p50": 700, "p90": 920, "p99": 3100}}},
                    {"p50": 530, "p99": 2100, "byDownstreamVersion": {"v1": {"count": 1500, "p50": 530, "p90": 720, "p99": 2100}}}]}
        """));
    JSON.writeValue(whole.toFile(), run);
    writeReport();
    String md = Files.readString(dir.resolve("REPORT.md"));
    assertThat(md).contains("#### By the version that answered the frontend's call, at 500 requests/s");
    assertThat(md).contains("| plain | v1 | 100.0 % | 500 / 700 / 2000 | +0 | 500 / 700 / 2000 | 500, 500 |");
    assertThat(md).contains("| inboard | v1 | 90.0 % | 530 / 720 / 2100 | +30 | 530 / 720 / 2050 | 520, 540, 530 |");
    assertThat(md).contains("| inboard | v2 | 10.0 % | 675 / 900 / 3000 | +175 | 680 / 900 / 3000 | 650, 700, - |");
    // Results without the split (the 1000 rps fixtures) get no such table.
    assertThat(md).doesNotContain("answered the frontend's call, at 1000 requests/s");
  }

  @Test
  void saysWhatWasNotMeasuredAndWhy() throws Exception {
    Path results = Files.createDirectories(dir.resolve("results"));
    Files.writeString(results.resolve("wholepath.json"), """
        {"settings": {}, "skipped": {"inboard": "agent jar missing"}, "setups": {},
         "fixedRate": {"plain": {"500": %s}, "proxy": {"500": %s}}, "saturation": {}, "processes": {}}
        """.formatted(phase(1000, 2000, 10, 10000), phase(1500, 4000, 20, 10000)));
    Path json = dir.resolve("results.json");
    ReportWriter.main(new String[] {"--results", results.toString(), "--report", dir.resolve("R.md").toString(),
        "--json", json.toString()});

    JsonNode r = JSON.readTree(json.toFile());
    assertThat(r.get("added_latency_ratio_p50").isNull()).isTrue();
    assertThat(r.get("throughput_ratio").isNull()).isTrue();
    assertThat(r.get("notes").get("added_latency_ratio").asText()).contains("not measured").contains("agent jar missing");
    assertThat(Files.readString(dir.resolve("R.md"))).contains("**Set-up `inboard` not measured:** agent jar missing");
  }
}
