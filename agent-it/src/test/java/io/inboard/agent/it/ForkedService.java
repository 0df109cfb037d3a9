package io.inboard.agent.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A test service in its own JVM, started with {@code -javaagent:} the real agent jar and the given
 * {@code inboard.*} options. Its output goes to {@code target/it-logs/NAME.log}.
 */
final class ForkedService implements AutoCloseable {
  static final Path AGENT_JAR = Path.of(required("inboard.it.agent.jar"));
  static final String CLASSPATH = required("inboard.it.classpath");

  /** {@link #CLASSPATH} with OkHttp 4 in place of OkHttp 5. */
  static String classpathWithOkHttp4() throws IOException {
    Path dir = Path.of(required("inboard.it.okhttp4.dir"));
    List<String> okhttp4;
    try (var files = Files.list(dir)) {
      okhttp4 = files.map(Path::toString).filter(f -> f.endsWith(".jar")).toList();
    }
    if (okhttp4.isEmpty()) {
      throw new IllegalStateException("no OkHttp 4 jar in " + dir + "; run the build through mvn verify");
    }
    List<String> entries = new ArrayList<>(okhttp4);
    for (String entry : CLASSPATH.split(java.io.File.pathSeparator)) {
      if (!entry.contains("okhttp-jvm")) {
        entries.add(entry);
      }
    }
    return String.join(java.io.File.pathSeparator, entries);
  }

  private final String name;
  private final Process process;
  private final int port;
  private final Path log;

  private ForkedService(String name, Process process, int port, Path log) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts {@code MeshService container} on {@code jdk} and waits (up to a minute, generous for a
   * busy machine) until it listens.
   */
  static ForkedService start(
      String name, Jdks.Jdk jdk, String container, Map<String, String> properties, String classpath)
      throws IOException, InterruptedException {
    return start(name + "-" + jdk.name() + "-" + container, jdk, properties, List.of("-cp", classpath,
        "io.inboard.agent.it.app.MeshService", container));
  }

  /**
   * Starts {@code java -javaagent:... -Dproperties... launch...} on {@code jdk} (the class path and
   * main class, or {@code -jar} and a jar, and their arguments) and waits, as above, until it prints
   * {@code LISTENING <port>}; its output goes to {@code target/it-logs/NAME.log}.
   */
  static ForkedService start(String name, Jdks.Jdk jdk, Map<String, String> properties, List<String> launch)
      throws IOException, InterruptedException {
    if (!Files.isRegularFile(AGENT_JAR)) {
      throw new IllegalStateException(AGENT_JAR + " is missing; run mvn package for module agent first");
    }
    List<String> command = new ArrayList<>();
    command.add(jdk.java().toString());
    command.add("-javaagent:" + AGENT_JAR);
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.addAll(launch);
    Path logs = Path.of("target", "it-logs");
    Files.createDirectories(logs);
    Path output = logs.resolve(name + ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<Integer> listening = new CompletableFuture<>();
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader in =
                      new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                  PrintWriter out = new PrintWriter(Files.newBufferedWriter(output, StandardCharsets.UTF_8), true)) {
                out.println("# " + String.join(" ", command));
                for (String line; (line = in.readLine()) != null; ) {
                  out.println(line);
                  if (line.startsWith("LISTENING ")) {
                    listening.complete(Integer.parseInt(line.substring("LISTENING ".length()).trim()));
                  }
                }
              } catch (IOException | RuntimeException e) {
                listening.completeExceptionally(e);
              }
              listening.completeExceptionally(new IllegalStateException("exited before listening"));
            },
            "output of " + name);
    pump.setDaemon(true);
    pump.start();
    try {
      int port = listening.get(60, TimeUnit.SECONDS);
      return new ForkedService(name, process, port, output);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "service " + name + " on " + jdk + " did not start (" + e + "); its output:\n" + Files.readString(output), e);
    }
  }

  int port() {
    return port;
  }

  String url(String pathAndQuery) {
    return "http://127.0.0.1:" + port + pathAndQuery;
  }

  /** The service's output so far, for failure messages. */
  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public String toString() {
    return name;
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "system property " + property + " is not set; run these tests with mvn verify -pl agent-it");
    }
    return value;
  }
}
