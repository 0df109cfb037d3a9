package io.inboard.bench.report;

import static io.inboard.bench.report.ReportWriter.fmt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inboard.bench.harness.Args;
import io.inboard.bench.wholepath.WholePathBench;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;

/**
 * How much one run's headline figures depend on which JVMs a set-up happened to get. A run of
 * {@code bench/replicas.sh} measures two independent copies of {@code plain} and of {@code inboard}
 * ({@code plain-2}, {@code inboard-2}: the same code in JVMs of their own) beside the proxy,
 * interleaved in the same rounds, with the same settings as {@code bench/run.sh}. This writes:
 *
 * <ul>
 *   <li>each set-up's copies side by side: an A/A comparison, where any difference is the
 *       measurement's, not the code's;
 *   <li>the headline figures of {@code results.json} from every pairing of a {@code plain} copy with
 *       an {@code inboard} copy, and their range.
 * </ul>
 */
public final class ReplicaReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The headline figures of one pairing; NaN where the run lacks what one needs. */
  record Headline(String plain, String inboard, double cpu, double throughput, double p50, double p99) {}

  private final JsonNode fixed;
  private final JsonNode saturation;

  ReplicaReport(JsonNode wholePath) {
    this.fixed = wholePath.path("fixedRate");
    this.saturation = wholePath.path("saturation");
  }

  public static void main(String[] argv) throws IOException {
    Args args = new Args(argv);
    Path results = args.path("results", "bench/target/replicas/wholepath.json");
    Path machine = args.path("machine", "bench/target/replicas/machine.txt");
    Path out = args.path("out", "bench/REPLICAS.md");
    ReplicaReport report = new ReplicaReport(JSON.readTree(results.toFile()));
    String md = report.markdown(Files.isRegularFile(machine) ? Files.readString(machine) : "(not recorded)",
        args.string("command", "bench/replicas.sh"));
    Files.writeString(out, md);
    System.out.println("[replicas] wrote " + out);
  }

  /** The set-ups measured, by kind ({@code plain-2} is a {@code plain}), in the run's order. */
  Map<String, List<String>> copies() {
    Map<String, List<String>> byKind = new LinkedHashMap<>();
    for (Iterator<String> names = fixed.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      byKind.computeIfAbsent(WholePathBench.kind(name), k -> new ArrayList<>()).add(name);
    }
    return byKind;
  }

  /** The headline figures with {@code plain} and {@code inboard} taken from the copies named. */
  Headline headline(String plain, String inboard, String proxy) {
    ObjectNode view = JSON.createObjectNode();
    view.set("plain", fixed.get(plain));
    view.set("inboard", fixed.get(inboard));
    view.set("proxy", fixed.get(proxy));
    return new Headline(plain, inboard,
        ReportWriter.cpuPer1000(fixed.get(inboard)) / ReportWriter.cpuPer1000(fixed.get(plain)),
        PairedRatio.saturation(saturation, inboard, plain).median(),
        AddedLatency.worst(view, "plain", "p50").worst(),
        AddedLatency.worst(view, "plain", "p99").worst());
  }

  /** Every pairing of a plain copy with an inboard copy, against the first proxy copy. */
  List<Headline> pairings() {
    Map<String, List<String>> byKind = copies();
    List<Headline> all = new ArrayList<>();
    List<String> proxies = byKind.getOrDefault("proxy", List.of());
    if (proxies.isEmpty()) {
      return all;
    }
    for (String plain : byKind.getOrDefault("plain", List.of())) {
      for (String inboard : byKind.getOrDefault("inboard", List.of())) {
        all.add(headline(plain, inboard, proxies.get(0)));
      }
    }
    return all;
  }

  String markdown(String machine, String command) {
    StringBuilder md = new StringBuilder();
    md.append("# Two copies of each set-up in one run\n\n");
    md.append("Written by `").append(command).append("` (`io.inboard.bench.report.ReplicaReport`); the run's date, ")
        .append("machine and commit are under *Machine*. The whole-path benchmark of `bench/run.sh`, ")
        .append("with its settings, on set-ups that include a second, independent copy of `plain` and of `inboard`: ")
        .append("the same code in JVMs of their own, started and measured in the same interleaved rounds. Two copies ")
        .append("of one set-up differ only by what the measurement cannot control (which JVM start, which moments of ")
        .append("the shared machine), so their difference is the run's resolution: a figure that two copies of ")
        .append("the same set-up do not agree on cannot decide a target either.\n\n");
    copiesSection(md);
    pairingsSection(md);
    md.append("## Machine\n\n```\n").append(machine.strip()).append("\n```\n");
    return md.toString();
  }

  private void copiesSection(StringBuilder md) {
    md.append("## Each set-up against its copy (A/A)\n\n");
    md.append("| set-up | CPU-s per 1000 requests, fixed rates | by process | saturation requests/s (median) |");
    List<String> rates = rates();
    for (String rate : rates) {
      md.append(" p50 at ").append(rate).append(" rps (µs) | p99 at ").append(rate).append(" rps (µs) |");
    }
    md.append("\n|---|---|---|---|").append("---|---|".repeat(rates.size())).append('\n');
    copies().forEach((kind, names) -> {
      String first = names.get(0);
      for (String name : names) {
        md.append("| ").append(name).append(" | ").append(compared(ReportWriter.cpuPer1000(fixed.get(name)),
            ReportWriter.cpuPer1000(fixed.get(first)), name.equals(first), true)).append(" | ")
            .append(byProcess(name)).append(" | ")
            .append(name.equals(first) ? fmt(rps(name))
                : fmt(rps(name)) + " (×" + PairedRatio.saturation(saturation, name, first).withInterval() + ")")
            .append(" |");
        for (String rate : rates) {
          for (String p : List.of("p50", "p99")) {
            md.append(' ').append(compared(percentile(name, rate, p), percentile(first, rate, p), name.equals(first),
                false)).append(" |");
          }
        }
        md.append('\n');
      }
    });
    md.append("\nA copy's figure is followed by how it compares with the first copy of its kind: a ratio for CPU "
        + "and throughput, a difference in µs for latency (each the median over the rounds, as in the report; for "
        + "throughput the median of the rounds' ratios, with its interval).\n\n");
  }

  private void pairingsSection(StringBuilder md) {
    List<Headline> pairings = pairings();
    md.append("## The headline figures from each pairing\n\n");
    if (pairings.isEmpty()) {
      md.append("Not measured: the run lacks a plain, an inboard or a proxy set-up.\n\n");
      return;
    }
    md.append("The figures `bench/results.json` gives, computed as `bench/run.sh` computes them, with each copy of "
        + "`plain` against each copy of `inboard` (and the proxy).\n\n");
    md.append("| plain | inboard | CPU per request (target <= 1.10) | throughput (target >= 0.95) "
        + "| added latency p50 (target <= 0.10) | added latency p99 (target <= 0.10) |\n|---|---|---|---|---|---|\n");
    for (Headline h : pairings) {
      md.append("| ").append(h.plain()).append(" | ").append(h.inboard()).append(" | ").append(fmt(h.cpu()))
          .append(" | ").append(fmt(h.throughput())).append(" | ").append(fmt(h.p50())).append(" | ")
          .append(fmt(h.p99())).append(" |\n");
    }
    md.append("| **range** | | ").append(range(pairings, Headline::cpu)).append(" | ")
        .append(range(pairings, Headline::throughput)).append(" | ").append(range(pairings, Headline::p50))
        .append(" | ").append(range(pairings, Headline::p99)).append(" |\n\n");
  }

  private static String range(List<Headline> all, ToDoubleFunction<Headline> figure) {
    double min = all.stream().mapToDouble(figure).min().orElse(Double.NaN);
    double max = all.stream().mapToDouble(figure).max().orElse(Double.NaN);
    return fmt(min) + " to " + fmt(max);
  }

  private static String compared(double value, double first, boolean isFirst, boolean asRatio) {
    if (isFirst) {
      return fmt(value);
    }
    // Latency differences in whole microseconds: the histograms' resolution, and the size that matters.
    return fmt(value) + (asRatio ? " (×" + fmt(value / first) + ")"
        : String.format(Locale.ROOT, " (%+.0f)", value - first));
  }

  /** Each process's CPU-s per 1000 requests over all fixed-rate phases, named without the set-up. */
  String byProcess(String setup) {
    Map<String, double[]> sums = new LinkedHashMap<>(); // role -> {cpu-s per 1000 x requests, requests}
    for (JsonNode phase : fixed.path(setup)) {
      double ok = phase.path("ok").asDouble();
      phase.path("cpuSecondsPer1000ByProcess").fields().forEachRemaining(e -> {
        double[] sum = sums.computeIfAbsent(e.getKey(), k -> new double[2]);
        sum[0] += e.getValue().asDouble() * ok;
        sum[1] += ok;
      });
    }
    List<String> parts = new ArrayList<>();
    sums.forEach((role, sum) -> parts.add(role.replaceFirst("^" + Pattern.quote(setup) + " ", "")
        + " " + fmt(sum[0] / sum[1])));
    return String.join(", ", parts);
  }

  private List<String> rates() {
    List<String> rates = new ArrayList<>();
    for (JsonNode byRate : fixed) {
      byRate.fieldNames().forEachRemaining(rate -> {
        if (!rates.contains(rate)) {
          rates.add(rate);
        }
      });
    }
    return rates;
  }

  private double percentile(String setup, String rate, String p) {
    JsonNode phase = fixed.path(setup).path(rate);
    return phase.isMissingNode() ? Double.NaN : ReportWriter.robust(phase, p);
  }

  private double rps(String setup) {
    return saturation.path(setup).path("rpsMedian").asDouble(Double.NaN);
  }
}
