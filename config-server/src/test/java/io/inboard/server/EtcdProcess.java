package io.inboard.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd server (the {@code etcd} binary of the etcd-server package) on 127.0.0.1 with free
 * ports and its own data directory; it can be stopped and started again on the same ports and
 * data, as an etcd restart is; optionally with TLS (and client certificates required) and with
 * further etcd flags. Without the binary the tests are skipped, or fail under
 * {@code INBOARD_REQUIRE_ETCD=1} (as {@code .ci/run} sets), saying how to install it.
 */
final class EtcdProcess implements AutoCloseable {
  private final Path binary;
  private final Path dataDir;
  private final int clientPort;
  private final int peerPort;
  private final Path log;
  private TestCertificates tls;
  private final List<String> flags;
  private HttpClient http;
  private Process process;

  private EtcdProcess(Path binary, Path dataDir, TestCertificates tls, List<String> flags) throws IOException {
    this.binary = binary;
    this.dataDir = dataDir;
    this.clientPort = freePort();
    this.peerPort = freePort();
    this.log = Files.createTempFile("etcd-", ".log");
    this.tls = tls;
    this.flags = List.copyOf(flags);
    this.http = client(tls);
  }

  private static HttpClient client(TestCertificates tls) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1));
    if (tls != null) {
      b.sslContext(EtcdTls.load(tls.clientFiles()).context());
    }
    return b.build();
  }

  /**
   * From the next {@link #start()} on, serves with {@code renewed}'s etcd certificate and trusts only
   * client certificates issued by its CA, as an operator's certificate renewal to a new CA does.
   */
  void useCertificates(TestCertificates renewed) {
    this.tls = renewed;
    this.http = client(renewed);
  }

  /** Starts etcd with its data in {@code dataDir} and waits until it answers. */
  static EtcdProcess start(Path dataDir) throws IOException, InterruptedException {
    return start(dataDir, null);
  }

  /**
   * Starts etcd serving its clients over TLS with {@code tls}'s etcd certificate and requiring client
   * certificates issued by its CA ({@code tls} null: plain http), with further etcd {@code flags}.
   */
  static EtcdProcess start(Path dataDir, TestCertificates tls, String... flags) throws IOException, InterruptedException {
    EtcdProcess etcd = new EtcdProcess(binary(), dataDir, tls, List.of(flags));
    etcd.start();
    return etcd;
  }

  /**
   * Whether these tests must run, failing without etcd: under {@code INBOARD_REQUIRE_ETCD=1}, which
   * {@code .ci/run} sets after installing etcd. Elsewhere (a developer's machine with only Java and
   * Maven) a missing etcd skips them, visibly, with the line that installs it.
   */
  /** Whether an etcd binary is there to start. */
  static boolean installed() {
    try {
      binary();
      return true;
    } catch (IllegalStateException missing) {
      return false;
    }
  }

  static void requireOrSkip() {
    if ("1".equals(System.getenv("INBOARD_REQUIRE_ETCD"))) {
      binary();
      return;
    }
    try {
      binary();
    } catch (IllegalStateException missing) {
      org.junit.jupiter.api.Assumptions.abort(missing.getMessage());
    }
  }

  /** {@code -Dinboard.etcd.binary=...}, else {@code /usr/bin/etcd}, else {@code etcd} on the PATH. */
  static Path binary() {
    String configured = System.getProperty("inboard.etcd.binary");
    if (configured != null) {
      return Path.of(configured);
    }
    Path usual = Path.of("/usr/bin/etcd");
    if (Files.isExecutable(usual)) {
      return usual;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, "etcd");
      if (!dir.isEmpty() && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("these tests need a real etcd, and no etcd binary was found (looked for"
        + " /usr/bin/etcd and etcd on the PATH): install it with 'apt-get install -y etcd-server' (Debian/Ubuntu;"
        + " .ci/run does), or point -Dinboard.etcd.binary=/path/to/etcd at one");
  }

  String endpoint() {
    return (tls == null ? "http" : "https") + "://127.0.0.1:" + clientPort;
  }

  /**
   * Turns etcd's authentication on, through the JSON gateway as an operator would with etcdctl:
   * the root user etcd requires, and {@code user} with read-write access to the keys under
   * {@code prefix} only.
   */
  void enableAuth(String user, String password, String prefix) throws IOException, InterruptedException {
    String key = b64(prefix);
    String end = b64(EtcdGateway.prefixEnd(prefix));
    post("/v3/auth/user/add", "{\"name\":\"root\",\"password\":\"root-" + password + "\"}");
    post("/v3/auth/role/add", "{\"name\":\"root\"}");
    post("/v3/auth/user/grant", "{\"user\":\"root\",\"role\":\"root\"}");
    post("/v3/auth/user/add", "{\"name\":\"" + user + "\",\"password\":\"" + password + "\"}");
    post("/v3/auth/role/add", "{\"name\":\"inboard\"}");
    post("/v3/auth/role/grant", "{\"name\":\"inboard\",\"perm\":{\"permType\":\"READWRITE\",\"key\":\"" + key
        + "\",\"range_end\":\"" + end + "\"}}");
    post("/v3/auth/user/grant", "{\"user\":\"" + user + "\",\"role\":\"inboard\"}");
    post("/v3/auth/enable", "{}");
  }

  /**
   * Changes {@code user}'s password as root, as an operator rotating it with {@code etcdctl user
   * passwd} does; {@code password} is the one {@link #enableAuth} was given (root's derives from it).
   */
  void changePassword(String user, String password, String newPassword) throws IOException, InterruptedException {
    String root = authenticate("root", "root-" + password);
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/v3/auth/user/changepw"))
        .header("Authorization", root)
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + user + "\",\"password\":\"" + newPassword
            + "\"}")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("etcd answered /v3/auth/user/changepw with " + r.statusCode() + ": " + r.body());
    }
  }

  /** A token for {@code user}, as the config server gets one. */
  String authenticate(String user, String password) throws IOException, InterruptedException {
    String body = post("/v3/auth/authenticate", "{\"name\":\"" + user + "\",\"password\":\"" + password + "\"}");
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).path("token").asText();
  }

  /** Whether etcd still accepts {@code token} (for a read of {@code prefix}). */
  boolean accepts(String token, String prefix) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/v3/kv/range"))
        .header("Authorization", token).POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"" + b64(prefix) + "\"}"))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200;
  }

  private String post(String path, String json) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint() + path))
        .POST(HttpRequest.BodyPublishers.ofString(json)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("etcd answered " + path + " with " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  private static String b64(String text) {
    return java.util.Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  void start() throws IOException, InterruptedException {
    String peer = "http://127.0.0.1:" + peerPort;
    List<String> cmd = new java.util.ArrayList<>(List.of(binary.toString(),
        "--name", "inboard-test",
        "--data-dir", dataDir.toString(),
        "--listen-client-urls", endpoint(), "--advertise-client-urls", endpoint(),
        "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
        "--initial-cluster", "inboard-test=" + peer));
    if (tls != null) {
      cmd.addAll(List.of("--cert-file", tls.etcdCert().toString(), "--key-file", tls.etcdKey().toString(),
          "--trusted-ca-file", tls.ca().toString(), "--client-cert-auth"));
    }
    cmd.addAll(flags);
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    process = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("etcd exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/health"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("true")) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(100);
    }
    stop();
    throw new IOException("etcd did not become healthy within 60 s:\n" + Files.readString(log));
  }

  /** SIGTERM, as an operator stops it; the data stays. */
  void stop() throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
