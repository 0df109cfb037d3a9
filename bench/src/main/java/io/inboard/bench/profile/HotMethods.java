package io.inboard.bench.profile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a JFR recording and prints where the CPU samples are: the top methods by own samples, the
 * top methods by samples anywhere on the stack (inclusive), and the share of samples that pass
 * through code matching a prefix (by default the agent's packages, i.e. what the agent costs).
 *
 * <pre>java -cp bench/target/benchmarks.jar io.inboard.bench.profile.HotMethods app.jfr [prefix,prefix] [top]</pre>
 */
public final class HotMethods {
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: HotMethods FILE.jfr [package-prefix,...] [top]");
      System.exit(2);
    }
    String prefix = args.length > 1 ? args[1] : AGENT;
    int top = args.length > 2 ? Integer.parseInt(args[2]) : 25;
    System.out.print(summarize(Path.of(args[0]), prefix, top));
  }

  /** The agent's packages, as relocated in its jar, and the bootstrap bridge. */
  public static final String AGENT = "io.inboard.agent,io.inboard.bridge";

  /** The summary {@link #main} prints, as text. */
  public static String summarize(Path recording, String prefix, int top) throws IOException {
    List<String> prefixes = List.of(prefix.split(","));
    StringBuilder out = new StringBuilder();
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    Map<String, Integer> firstMatching = new HashMap<>();
    Map<String, Integer> own = new HashMap<>();
    long ownSamples = 0;
    long samples = 0;
    long matching = 0;
    List<RecordedEvent> events = RecordingFile.readAllEvents(recording);
    for (RecordedEvent e : events) {
      if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
        continue;
      }
      RecordedStackTrace stack = e.getStackTrace();
      if (stack == null || stack.getFrames().isEmpty()) {
        continue;
      }
      samples++;
      List<RecordedFrame> frames = stack.getFrames();
      self.merge(name(frames.get(0)), 1, Integer::sum);
      Set<String> seen = new HashSet<>();
      String outermostMatch = null;
      for (RecordedFrame f : frames) {
        String n = name(f);
        if (seen.add(n)) {
          inclusive.merge(n, 1, Integer::sum);
        }
        if (prefixes.stream().anyMatch(n::startsWith)) {
          outermostMatch = n;
        }
      }
      // The agent's own work: walk from the top of the stack through JDK frames; if the first other
      // frame is Inboard's, the sample is Inboard's (its own code or the JDK code it called).
      for (RecordedFrame f : frames) {
        String n = name(f);
        if (n.startsWith("java.") || n.startsWith("jdk.") || n.startsWith("sun.") || n.startsWith("kotlin.")) {
          continue;
        }
        if (prefixes.stream().anyMatch(n::startsWith)) {
          ownSamples++;
          own.merge(n, 1, Integer::sum);
        }
        break;
      }
      if (outermostMatch != null) {
        matching++;
        firstMatching.merge(outermostMatch, 1, Integer::sum);
      }
    }
    out.append(String.format("%d CPU samples; %d (%.1f%%) with %s on the stack%n", samples, matching,
        100.0 * matching / Math.max(1, samples), prefix));
    out.append(String.format("%d (%.1f%%) are %s's own work (its code, or JDK code it called directly)%n", ownSamples,
        100.0 * ownSamples / Math.max(1, samples), prefix));
    print(out, prefix + "'s own work, by its method", own, samples, top);
    print(out, "own samples (top of stack)", self, samples, top);
    print(out, "inclusive (anywhere on the stack)", inclusive, samples, top);
    print(out, "outermost " + prefix + " frame of the samples that have one", firstMatching, samples, top);
    return out.toString();
  }

  private static String name(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  private static void print(StringBuilder out, String title, Map<String, Integer> counts, long total, int top) {
    out.append('\n').append(title).append(":\n");
    counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
        .forEach(e -> out.append(String.format("  %5.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, total),
            e.getKey())));
  }
}
