package io.inboard.bench.wholepath;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code wrk} (closed loop, as many requests as the set-up takes) for saturation throughput. */
public final class Wrk {
  private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in");
  private static final Pattern ERRORS = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
  private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors:.*");

  private Wrk() {}

  /** What one wrk run reported. */
  public record Result(double rps, long requests, long non2xx, String socketErrors, String output) {}

  public static Result run(int port, int threads, int connections, Duration duration) {
    return all(List.of(port), threads, connections, duration, Map.of()).get(0);
  }

  /**
   * One wrk per port, all running at the same time, each request carrying {@code headers}; their
   * results in the order of {@code ports}.
   */
  static List<Result> all(List<Integer> ports, int threads, int connections, Duration duration,
      Map<String, String> headers) {
    List<List<String>> commands = new ArrayList<>();
    List<Process> processes = new ArrayList<>();
    try {
      for (int port : ports) {
        List<String> command = new ArrayList<>(List.of("wrk", "-t" + threads, "-c" + connections,
            "-d" + duration.toSeconds() + "s"));
        headers.forEach((name, value) -> command.addAll(List.of("-H", name + ": " + value)));
        command.add("http://127.0.0.1:" + port + "/");
        commands.add(command);
        processes.add(new ProcessBuilder(command).redirectErrorStream(true).start());
      }
      List<Result> results = new ArrayList<>();
      for (int i = 0; i < processes.size(); i++) {
        results.add(result(commands.get(i), processes.get(i), duration));
      }
      return results;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run wrk (install it: apt-get install -y wrk): " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while wrk ran", e);
    } finally {
      processes.forEach(Process::destroyForcibly); // stops any left hanging; no-op for those that finished
    }
  }

  private static Result result(List<String> command, Process process, Duration duration)
      throws IOException, InterruptedException {
    if (!process.waitFor(duration.toSeconds() + 30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("wrk did not finish: " + String.join(" ", command));
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Matcher rps = RPS.matcher(output);
    Matcher total = TOTAL.matcher(output);
    if (process.exitValue() != 0 || !rps.find() || !total.find()) {
      throw new IllegalStateException("wrk failed (" + String.join(" ", command) + "):\n" + output);
    }
    Matcher errors = ERRORS.matcher(output);
    Matcher socketErrors = SOCKET_ERRORS.matcher(output);
    return new Result(Double.parseDouble(rps.group(1)), Long.parseLong(total.group(1)),
        errors.find() ? Long.parseLong(errors.group(1)) : 0,
        socketErrors.find() ? socketErrors.group() : "", output);
  }
}
