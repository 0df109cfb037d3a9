package io.inboard.agent.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The real config server ({@code config-server/target/inboard-config-server.jar}) in its own JVM. */
final class ConfigServerProcess implements AutoCloseable {
  static final Path JAR = Path.of(System.getProperty("inboard.it.config.server.jar", "missing"));
  private static final Pattern LISTENING = Pattern.compile("listening on (http://[^ ]+)");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

  private final Process process;
  final String url;

  private ConfigServerProcess(Process process, String url) {
    this.process = process;
    this.url = url;
  }

  static boolean available() {
    return Files.isRegularFile(JAR);
  }

  static ConfigServerProcess start(Path dataDir) throws Exception {
    return start(dataDir, 0);
  }

  /** Starts on {@code port} (0: any free port); a restart on the same port and data dir is the same server to agents. */
  static ConfigServerProcess start(Path dataDir, int port) throws Exception {
    Path logs = Path.of("target", "it-logs");
    Files.createDirectories(logs);
    Path log = logs.resolve("config-server-" + System.nanoTime() + ".log");
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            JAR.toString(),
            "--port",
            Integer.toString(port),
            "--data-dir",
            dataDir.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<String> listening = new CompletableFuture<>();
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader in =
                      new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                  PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
                for (String line; (line = in.readLine()) != null; ) {
                  out.println(line);
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    listening.complete(m.group(1));
                  }
                }
              } catch (IOException e) {
                listening.completeExceptionally(e);
              }
              listening.completeExceptionally(new IllegalStateException("config server exited"));
            },
            "output of config server");
    pump.setDaemon(true);
    pump.start();
    try {
      return new ConfigServerProcess(process, listening.get(60, TimeUnit.SECONDS));
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException("config server did not start; see " + log.toAbsolutePath(), e);
    }
  }

  /** Applies YAML documents, all or nothing; fails the test on any refusal. */
  void apply(String yaml) throws Exception {
    send(HttpRequest.newBuilder(URI.create(url + "/v1/apply"))
        .header("Content-Type", "application/yaml")
        .POST(HttpRequest.BodyPublishers.ofString(yaml)));
  }

  /** Registers an echo server as an instance of {@code service}, with a lease long enough for the test. */
  void register(String namespace, String service, EchoServer server) throws Exception {
    String body =
        "{\"service\":\"" + service + "\",\"address\":\"127.0.0.1\",\"port\":" + server.port()
            + ",\"labels\":{\"app\":\"" + service + "\",\"version\":\"" + server.version + "\"},\"ttlSeconds\":3600}";
    send(HttpRequest.newBuilder(URI.create(url + "/v1/namespaces/" + namespace + "/instances/" + server.instance))
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** The live instances of {@code service}, as the server's JSON. */
  String instances(String namespace, String service) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url + "/v1/namespaces/" + namespace + "/instances?service=" + service)).GET());
  }

  private static String send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> response =
        HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new AssertionError("config server answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
