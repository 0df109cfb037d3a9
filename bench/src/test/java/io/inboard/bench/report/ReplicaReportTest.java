package io.inboard.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicaReportTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** One rate's phase: three rounds whose medians are the given p50 and p99. */
  private static String phase(int p50, int p99, double cpuSeconds) {
    return """
        {"ok": 10000, "cpuSeconds": %s, "latencyUs": {"p50": 1, "p99": 1},
         "cpuSecondsPer1000ByProcess": {"any frontend": %s, "any user-v1": %s},
         "rounds": [{"p50": %d, "p99": %d}, {"p50": %d, "p99": %d}, {"p50": 99999, "p99": 99999}]}
        """.formatted(cpuSeconds, cpuSeconds / 20, cpuSeconds / 20, p50 - 10, p99 - 10, p50, p99);
  }

  private static String sat(int rps) {
    return "{\"rps\": [%d], \"rpsMedian\": %d}".formatted(rps, rps);
  }

  private ReplicaReport report() throws Exception {
    // plain and plain-2 differ by 10 % of CPU and 100 us at p50; inboard-2 is the costlier inboard.
    return new ReplicaReport(JSON.readTree("""
        {"fixedRate": {
           "plain":     {"500": %s},
           "plain-2":   {"500": %s},
           "inboard":   {"500": %s},
           "inboard-2": {"500": %s},
           "proxy":     {"500": %s}},
         "saturation": {"plain": %s, "plain-2": %s, "inboard": %s, "inboard-2": %s, "proxy": %s}}
        """.formatted(phase(1000, 2000, 10), phase(1100, 2100, 11), phase(1050, 2100, 10.5),
            phase(1150, 2400, 12), phase(1500, 4000, 15),
            sat(1000), sat(900), sat(950), sat(850), sat(700))));
  }

  @Test
  void groupsTheCopiesOfEachSetUpByKind() throws Exception {
    assertThat(report().copies()).containsExactly(
        Map.entry("plain", List.of("plain", "plain-2")),
        Map.entry("inboard", List.of("inboard", "inboard-2")),
        Map.entry("proxy", List.of("proxy")));
  }

  @Test
  void computesTheHeadlineFiguresForEveryPairingOfPlainAndInboard() throws Exception {
    List<ReplicaReport.Headline> pairings = report().pairings();

    assertThat(pairings).extracting(h -> h.plain() + "/" + h.inboard())
        .containsExactly("plain/inboard", "plain/inboard-2", "plain-2/inboard", "plain-2/inboard-2");
    ReplicaReport.Headline first = pairings.get(0);
    assertThat(first.cpu()).isEqualTo(1.05);
    assertThat(first.throughput()).isEqualTo(0.95);
    assertThat(first.p50()).isEqualTo(0.1); // (1050-1000)/(1500-1000), medians of the rounds
    assertThat(first.p99()).isEqualTo(0.05); // (2100-2000)/(4000-2000)
    ReplicaReport.Headline last = pairings.get(3);
    assertThat(last.cpu()).isCloseTo(1.2 / 1.1, offset(1e-9));
    assertThat(last.p50()).isEqualTo(0.125); // (1150-1100)/(1500-1100)
  }

  @Test
  void writesTheCopiesSideBySideAndTheRangeOfEachHeadline() throws Exception {
    Path wholePath = dir.resolve("wholepath.json");
    Files.writeString(wholePath, """
        {"fixedRate": {"plain": {"500": %s}, "plain-2": {"500": %s}, "inboard": {"500": %s}, "proxy": {"500": %s}},
         "saturation": {"plain": %s, "plain-2": %s, "inboard": %s, "proxy": %s}}
        """.formatted(phase(1000, 2000, 10), phase(1100, 2100, 11), phase(1050, 2100, 10.5), phase(1500, 4000, 15),
        sat(1000), sat(900), sat(950), sat(700)));
    Path out = dir.resolve("REPLICAS.md");

    ReplicaReport.main(new String[] {"--results", wholePath.toString(), "--machine", dir.resolve("none").toString(),
        "--out", out.toString()});

    String md = Files.readString(out);
    assertThat(md).contains("| plain-2 | 1.10 (×1.10) | any frontend 0.550, any user-v1 0.550 | 900 (×0.900) "
        + "| 1100 (+100) | 2100 (+100) |");
    assertThat(md).contains("| plain | inboard | 1.05 | 0.950 | 0.100 | 0.050 |");
    assertThat(md).contains("| plain-2 | inboard | 0.955 | 1.06 | -0.125 | 0.000 |");
    assertThat(md).contains("| **range** | | 0.955 to 1.05 | 0.950 to 1.06 | -0.125 to 0.100 | 0.000 to 0.050 |");
  }

  @Test
  void givesEachProcessesCpuOverBothRatesWeightedByItsRequests() throws Exception {
    ReplicaReport report = new ReplicaReport(JSON.readTree("""
        {"fixedRate": {"plain-2": {
           "500":  {"ok": 1000, "cpuSecondsPer1000ByProcess": {"plain-2 frontend": 0.4, "plain-2 user-v1": 0.2}},
           "1000": {"ok": 3000, "cpuSecondsPer1000ByProcess": {"plain-2 frontend": 0.2, "plain-2 user-v1": 0.1}}}}}
        """));

    assertThat(report.byProcess("plain-2")).isEqualTo("frontend 0.250, user-v1 0.125");
  }
}
