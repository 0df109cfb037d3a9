package io.inboard.agent.runtime;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The real config server jar, forked on loopback with its own data directory. */
final class ConfigServerProcess implements AutoCloseable {
  static final Path JAR = Path.of("..", "config-server", "target", "inboard-config-server.jar");
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+:(\\d+))");

  private final Process process;
  final String url;
  final int port;

  private ConfigServerProcess(Process process, String url, int port) {
    this.process = process;
    this.url = url;
    this.port = port;
  }

  /** Starts the server on {@code port} (0: any free one) and waits until it listens. */
  static ConfigServerProcess start(Path dataDir, int port) throws Exception {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: build it first with"
          + " mvn -B -q -pl config-server -am package -DskipTests");
    }
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-jar",
                JAR.toString(),
                "--port",
                Integer.toString(port),
                "--data-dir",
                dataDir.toString())
            .redirectErrorStream(true)
            .start();
    CompletableFuture<Matcher> listening = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              StringBuilder seen = new StringBuilder();
              try (BufferedReader lines =
                  new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                  if (!listening.isDone()) {
                    seen.append(line).append('\n');
                  }
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    listening.complete(m);
                  }
                }
                listening.completeExceptionally(new IllegalStateException("config server exited:\n" + seen));
              } catch (Exception e) {
                listening.completeExceptionally(e);
              }
            },
            "config-server-output");
    reader.setDaemon(true);
    reader.start();
    try {
      Matcher m = listening.get(60, TimeUnit.SECONDS);
      return new ConfigServerProcess(process, m.group(1), Integer.parseInt(m.group(2)));
    } catch (Exception e) {
      process.destroyForcibly();
      throw e;
    }
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    }
  }
}
