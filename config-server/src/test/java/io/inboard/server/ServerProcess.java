package io.inboard.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real config server jar ({@code target/inboard-config-server.jar}) running as a separate
 * process on 127.0.0.1 with a free port, as users run it.
 */
final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+?:(\\d+))\\s");

  private final Process process;
  private final StringBuffer output;
  private final String url;
  final long startMillis;

  private ServerProcess(Process process, StringBuffer output, String url, long startMillis) {
    this.process = process;
    this.output = output;
    this.url = url;
    this.startMillis = startMillis;
  }

  /** Everything the server printed so far (stdout and stderr). */
  String output() {
    return output.toString();
  }

  static Path jar() {
    String configured = System.getProperty("inboard.server.jar");
    Path jar = configured != null ? Path.of(configured) : Path.of("target", "inboard-config-server.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("server jar " + jar.toAbsolutePath() + " missing; run 'mvn package' first");
    }
    return jar;
  }

  static ServerProcess start(Path dataDir, String... extraArgs) throws IOException {
    return start(dataDir, Map.of(), extraArgs);
  }

  /**
   * JVM options for functional tests: C1 only and the serial collector start a JVM in about two
   * thirds of the CPU time, which matters on a busy 2-core machine and for tests that restart the
   * server many times. Measurements use {@link #PRODUCTION_JVM} instead.
   */
  static final List<String> TEST_JVM = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  /** The JVM as {@code java -jar} starts it, with a heap cap. */
  static final List<String> PRODUCTION_JVM = List.of("-Xmx256m");

  /**
   * {@code jvm} plus the options in the system property {@code inboard.server.jvmOptions}
   * (space-separated), e.g. to record a flight recording of a measured run:
   * {@code -Dinboard.server.jvmOptions=-XX:StartFlightRecording=filename=/tmp/server.jfr}.
   */
  static List<String> withExtraOptions(List<String> jvm) {
    String extra = System.getProperty("inboard.server.jvmOptions", "").trim();
    if (extra.isEmpty()) {
      return jvm;
    }
    List<String> out = new ArrayList<>(jvm);
    out.addAll(List.of(extra.split("\\s+")));
    return out;
  }

  /** A replica on the etcd at {@code endpoint}, keeping its state under {@code prefix}. */
  static ServerProcess replica(String endpoint, String prefix) throws IOException {
    return start(TEST_JVM, null, Map.of(), "--store", "etcd", "--etcd-endpoints", endpoint, "--etcd-prefix", prefix);
  }

  /** Starts the server and waits until it prints the address it listens on ({@code dataDir} null: none given). */
  static ServerProcess start(Path dataDir, Map<String, String> env, String... extraArgs) throws IOException {
    return start(TEST_JVM, dataDir, env, extraArgs);
  }

  static ServerProcess start(List<String> jvm, Path dataDir, Map<String, String> env, String... extraArgs)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary());
    cmd.addAll(jvm);
    cmd.addAll(List.of("-jar", jar().toString(), "--port", "0"));
    if (dataDir != null) {
      cmd.addAll(List.of("--data-dir", dataDir.toString()));
    }
    cmd.addAll(List.of(extraArgs));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove("INBOARD_ADMIN_TOKEN");
    pb.environment().remove("INBOARD_AGENT_TOKEN");
    pb.environment().putAll(env);
    long t0 = System.nanoTime();
    Process p = pb.start();
    StringBuffer out = new StringBuffer();
    CompletableFuture<String> url = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          out.append(line).append('\n');
          Matcher m = LISTENING.matcher(line + " ");
          if (m.find()) {
            url.complete(m.group(1));
          }
        }
      } catch (IOException ignored) {
        // process gone
      }
      url.completeExceptionally(new IOException("server exited before listening:\n" + out));
    }, "server-output");
    reader.setDaemon(true);
    reader.start();
    try {
      String u = url.get(60, TimeUnit.SECONDS);
      return new ServerProcess(p, out, u, (System.nanoTime() - t0) / 1_000_000);
    } catch (Exception e) {
      p.destroyForcibly();
      throw new IOException("config server did not start: " + e.getMessage() + "\n" + out, e);
    }
  }

  /** How a server that refused to start ended: its exit code and everything it printed. */
  record Exit(int code, String output) {}

  /** Runs the server expecting it to refuse to start; a server still running after 60 s fails the test. */
  static Exit refusedStart(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(javaBinary()));
    cmd.addAll(TEST_JVM);
    cmd.addAll(List.of("-jar", jar().toString(), "--port", "0"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove("INBOARD_ADMIN_TOKEN");
    pb.environment().remove("INBOARD_AGENT_TOKEN");
    pb.environment().putAll(env);
    Process p = pb.start();
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(output lost: " + e + ")";
      }
    });
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("the server should refuse to start; it ran:\n" + output.get(10, TimeUnit.SECONDS));
      }
      return new Exit(p.exitValue(), output.get(10, TimeUnit.SECONDS));
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IOException("cannot read the server's output", e);
    } finally {
      p.destroyForcibly();
      p.waitFor(15, TimeUnit.SECONDS);
    }
  }

  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  String url() {
    return url;
  }

  long pid() {
    return process.pid();
  }

  Process process() {
    return process;
  }

  /** SIGKILL: no shutdown hook, no flushing — a crash. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(15, TimeUnit.SECONDS);
    }
  }

  /** Live thread count of the server process, from /proc (Linux). */
  int threads() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
      if (line.startsWith("Threads:")) {
        return Integer.parseInt(line.substring(8).trim());
      }
    }
    throw new IOException("no Threads line for " + pid());
  }

  /** CPU time (user + system) the server process used so far, in milliseconds, from /proc (Linux). */
  long cpuMillis() throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // After "pid (comm) ", utime and stime are the 12th and 13th fields, in clock ticks of 10 ms.
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
  }

  /**
   * CPU time (user + system, ms) the server's threads used so far, summed by thread name without
   * trailing digits ("inboard-http", "C2 CompilerThre", "GC Thread#"), from /proc (Linux). Threads
   * that ended are missing, so compare two readings only for threads that live throughout.
   */
  Map<String, Long> cpuMillisByThread() throws IOException {
    Map<String, Long> out = new java.util.TreeMap<>();
    try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid()), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          String name = Files.readString(task.resolve("comm")).strip().replaceAll("[-#]?\\d+$", "");
          String stat = Files.readString(task.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          out.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10, Long::sum);
        } catch (java.nio.file.NoSuchFileException gone) {
          // the thread ended meanwhile
        }
      }
    }
    return out;
  }

  /** Resident memory of the server process in kB, from /proc (Linux). */
  long residentKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.substring(6).replace("kB", "").trim());
      }
    }
    throw new IOException("no VmRSS line for " + pid());
  }
}
