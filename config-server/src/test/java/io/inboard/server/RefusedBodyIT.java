package io.inboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A request refused before its body is read (wrong token, wrong content type, bad name in the URL,
 * unknown endpoint, wrong method) — a body well under the 1 MiB limit — must leave the connection
 * usable, or say {@code Connection: close}. BadInputIT covers this for 413 only.
 */
class RefusedBodyIT {
  static final String ADMIN = "admin-token-0123456789";
  static final String AGENT = "agent-token-0123456789";
  @TempDir static Path dataDir;
  static ServerProcess server;

  @BeforeAll
  static void start() throws Exception {
    server = ServerProcess.start(dataDir, Map.of("INBOARD_ADMIN_TOKEN", ADMIN, "INBOARD_AGENT_TOKEN", AGENT));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  record Case(String method, String path, String token, String contentType, int status) {}

  static Stream<Arguments> refusals() {
    return Stream.of(
        named("415 content type", new Case("POST", "/v1/apply", ADMIN, "application/xml", 415)),
        named("403 agent token", new Case("POST", "/v1/apply", AGENT, "application/yaml", 403)),
        named("401 no token", new Case("POST", "/v1/apply", null, "application/yaml", 401)),
        named("400 name in URL", new Case("PUT", "/v1/namespaces/Bad/virtualservices/x", ADMIN, "application/yaml", 400)),
        named("404 endpoint", new Case("POST", "/v1/nothing", ADMIN, "application/yaml", 404)),
        named("405 method", new Case("PUT", "/v1/apply", ADMIN, "application/yaml", 405)));
  }

  private static Arguments named(String name, Case c) {
    return Arguments.of(Named.of(name, c));
  }

  /** 900 KB: a body the server would accept by size. */
  private static byte[] body() {
    return ("# " + "x".repeat(900 * 1024) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void theConnectionStaysUsableOrTheAnswerSaysClose(Case c) throws IOException {
    URI url = URI.create(server.url());
    byte[] body = body();
    try (Socket socket = new Socket(url.getHost(), url.getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write((c.method() + " " + c.path() + " HTTP/1.1\r\nHost: " + url.getAuthority() + "\r\n"
          + "Content-Type: " + c.contentType() + "\r\n"
          + (c.token() == null ? "" : "Authorization: Bearer " + c.token() + "\r\n")
          + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      IOException sending = null;
      try {
        out.write(body);
        out.flush();
      } catch (IOException e) {
        sending = e; // the server closed the connection before the body was sent; its answer may still be there
      }

      List<String> refused;
      try {
        refused = RawResponse.read(in);
      } catch (IOException e) {
        throw new AssertionError("no answer at all to a refused " + body.length + "-byte request (sending the body: "
            + sending + "; reading the answer: " + e.getMessage() + ")", e);
      }
      assertThat(refused.get(0)).contains(" " + c.status() + " ");
      assertThat(sending).as("sending the body of a request answered %s", refused.get(0)).isNull();
      boolean saysClose = refused.stream().anyMatch(h -> h.equalsIgnoreCase("connection: close"));
      if (!saysClose) {
        String next;
        try {
          out.write(("GET /healthz HTTP/1.1\r\nHost: " + url.getAuthority() + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          out.flush();
          next = RawResponse.read(in).get(0);
        } catch (IOException e) {
          next = e.toString();
        }
        assertThat(next)
            .as("answer %s kept the connection (no 'Connection: close'), so the next request on it must be answered",
                refused)
            .contains(" 200 ");
      }
    }
  }
}
