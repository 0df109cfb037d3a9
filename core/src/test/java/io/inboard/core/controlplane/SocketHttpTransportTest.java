package io.inboard.core.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's HTTP/1.1 transport against a scripted server on loopback: each accepted connection
 * serves requests with the answers {@code script} gives for them (by the request's head), and can
 * be closed by the server after a given number of answers.
 */
class SocketHttpTransportTest {
  private final SocketHttpTransport transport = new SocketHttpTransport(Duration.ofSeconds(2));
  private ServerSocket server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();

  /** Serves on loopback: every request's head is recorded, answered with {@code answer.apply(head)}. */
  private URI serve(Function<String, String> answer, int answersPerConnection) throws IOException {
    // Each acceptor keeps its own socket: one that read the field would accept on the next server
    // too, with its own script (a test serving twice then got the first script's answers at random).
    ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    server = listening;
    Thread acceptor = new Thread(() -> {
      while (!listening.isClosed()) {
        try {
          Socket s = listening.accept();
          connections.incrementAndGet();
          Thread t = new Thread(() -> handle(s, answer, answersPerConnection));
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    });
    acceptor.setDaemon(true);
    acceptor.start();
    return URI.create("http://127.0.0.1:" + listening.getLocalPort());
  }

  private void handle(Socket s, Function<String, String> answer, int answersPerConnection) {
    try (s) {
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      OutputStream out = s.getOutputStream();
      for (int served = 0; served < answersPerConnection; served++) {
        StringBuilder head = new StringBuilder();
        int length = 0;
        for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
          head.append(line).append('\n');
          if (line.toLowerCase().startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).trim());
          }
        }
        if (head.length() == 0) {
          return;
        }
        char[] body = new char[length];
        int read = 0;
        while (read < length) {
          read += in.read(body, read, length - read);
        }
        requests.add(head + new String(body));
        out.write(answer.apply(head.toString()).getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  @AfterEach
  void stop() throws IOException {
    transport.closeIdle();
    if (server != null) {
      server.close();
    }
  }

  private ConfigServerTransport.Answer get(URI base, String path) throws IOException {
    return transport.exchange("GET", base.resolve(path), List.of("Accept", "application/json"), null,
        Duration.ofSeconds(2));
  }

  @Test
  void sendsTheRequestAndReadsALengthDelimitedAnswerOnOneKeptAliveConnection() throws Exception {
    URI base = serve(head -> "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nContent-Encoding: gzip\r\n\r\nhello world",
        100);

    ConfigServerTransport.Answer first = get(base, "/v1/snapshot?since=3&timeoutSeconds=30");
    ConfigServerTransport.Answer second = transport.exchange("PUT", base.resolve("/v1/namespaces/ns/instances/a%20b"),
        List.of("Content-Type", "application/json", "Authorization", "Bearer t"),
        "{\"port\":1}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2));

    assertThat(first.status()).isEqualTo(200);
    assertThat(new String(first.body(), StandardCharsets.UTF_8)).isEqualTo("hello world");
    assertThat(first.contentEncoding()).isEqualTo("gzip");
    assertThat(second.status()).isEqualTo(200);
    assertThat(connections.get()).as("the second request reused the connection").isEqualTo(1);
    assertThat(requests.get(0)).startsWith("GET /v1/snapshot?since=3&timeoutSeconds=30 HTTP/1.1\n")
        .contains("Host: 127.0.0.1:" + base.getPort() + "\n", "Accept: application/json\n")
        .doesNotContain("Content-Length");
    assertThat(requests.get(1)).startsWith("PUT /v1/namespaces/ns/instances/a%20b HTTP/1.1\n")
        .contains("Content-Length: 10\n", "Authorization: Bearer t\n").endsWith("{\"port\":1}");
  }

  @Test
  void readsChunkedAnswersAndSkipsInterimOnes() throws Exception {
    URI base = serve(head -> "HTTP/1.1 100 Continue\r\n\r\n"
        + "HTTP/1.1 422 Unprocessable Entity\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5;ext=1\r\n{\"err\r\n8\r\nor\":\"x\"}\r\n0\r\n\r\n", 100);

    ConfigServerTransport.Answer answer = get(base, "/v1/apply");
    ConfigServerTransport.Answer again = get(base, "/v1/apply");

    assertThat(answer.status()).isEqualTo(422);
    assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo("{\"error\":\"x\"}");
    assertThat(again.status()).isEqualTo(422);
    assertThat(connections.get()).isEqualTo(1);
  }

  @Test
  void aNotModifiedAnswerHasNoBodyAndKeepsTheConnection() throws Exception {
    URI base = serve(head -> "HTTP/1.1 304 Not Modified\r\n\r\n", 100);

    assertThat(get(base, "/v1/snapshot?since=1").status()).isEqualTo(304);
    assertThat(get(base, "/v1/snapshot?since=1").body()).isEmpty();
    assertThat(connections.get()).isEqualTo(1);
  }

  @Test
  void aConnectionTheServerClosedWhileIdleIsReplacedWithoutAnError() throws Exception {
    // One answer per connection, with no "Connection: close": the client learns of the close only
    // when it reuses the connection.
    URI base = serve(head -> "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 1);

    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      statuses.add(get(base, "/v1/instances").status());
    }

    assertThat(statuses).containsExactly(200, 200, 200);
    assertThat(connections.get()).isEqualTo(3);
    assertThat(requests).hasSize(3);
  }

  @Test
  void anAnswerThatAsksToCloseIsNotReused() throws Exception {
    URI base = serve(head -> "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", 100);

    get(base, "/a");
    get(base, "/b");

    assertThat(connections.get()).isEqualTo(2);
  }

  @Test
  void anAnswerWithoutLengthRunsToTheEndOfTheConnection() throws Exception {
    URI base = serve(head -> "HTTP/1.0 200 OK\r\n\r\nuntil the end", 1);

    assertThat(new String(get(base, "/a").body(), StandardCharsets.UTF_8)).isEqualTo("until the end");
  }

  @Test
  void reportsWhatIsWrongWithABrokenAnswer() throws Exception {
    URI base = serve(head -> "SSH-2.0-OpenSSH\r\n\r\n", 100);
    assertThatThrownBy(() -> get(base, "/a")).isInstanceOf(IOException.class)
        .hasMessageContaining("not an HTTP/1.x answer").hasMessageContaining("SSH-2.0");

    server.close();
    URI truncated = serve(head -> "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", 1);
    assertThatThrownBy(() -> get(truncated, "/a")).isInstanceOf(IOException.class)
        .hasMessageContaining("ended after 5 of 100 bytes");
  }

  @Test
  void timesOutWhenTheServerDoesNotAnswer() throws Exception {
    URI base = serve(head -> {
      try {
        Thread.sleep(3_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    }, 1);

    assertThatThrownBy(() -> transport.exchange("GET", base.resolve("/a"), List.of(), null, Duration.ofMillis(200)))
        .isInstanceOf(java.net.SocketTimeoutException.class);
  }

  @Test
  void refusesAnAddressThatIsNotHttp() {
    assertThatThrownBy(() -> transport.exchange("GET", URI.create("ftp://127.0.0.1/"), List.of(), null,
        Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http:// or https://");
  }
}
