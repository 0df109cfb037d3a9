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
      System.err.println("usage: HotMethods FILE.jfr [package-prefix] [top]");
      System.exit(2);
    }
    String prefix = args.length > 1 ? args[1] : "io.inboard.agent,io.inboard.bridge";
    List<String> prefixes = List.of(prefix.split(","));
    int top = args.length > 2 ? Integer.parseInt(args[2]) : 25;
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    Map<String, Integer> firstMatching = new HashMap<>();
    Map<String, Integer> own = new HashMap<>();
    long ownSamples = 0;
    long samples = 0;
    long matching = 0;
    List<RecordedEvent> events = RecordingFile.readAllEvents(Path.of(args[0]));
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
    System.out.printf("%d CPU samples; %d (%.1f%%) with %s on the stack%n", samples, matching,
        100.0 * matching / Math.max(1, samples), prefix);
    System.out.printf("%d (%.1f%%) are %s's own work (its code, or JDK code it called directly)%n", ownSamples,
        100.0 * ownSamples / Math.max(1, samples), prefix);
    print("own samples (top of stack)", self, samples, top);
    print(prefix + "'s own work, by its method", own, samples, top);
    print("inclusive (anywhere on the stack)", inclusive, samples, top);
    print("outermost " + prefix + " frame of the samples that have one", firstMatching, samples, top);
  }

  private static String name(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  private static void print(String title, Map<String, Integer> counts, long total, int top) {
    System.out.println("\n" + title + ":");
    counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
        .forEach(e -> System.out.printf("  %5.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, total), e.getKey()));
  }
}
