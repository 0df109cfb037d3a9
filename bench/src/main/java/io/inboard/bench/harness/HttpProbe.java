package io.inboard.bench.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Asks a freshly started process for a page until it answers 2xx: the moment a service is ready, and,
 * for the startup benchmark, the moment its first request was served.
 */
public final class HttpProbe {
  private HttpProbe() {}

  /**
   * Polls {@code GET path} every {@code every} until a 2xx answer, the process dies or the time is up.
   *
   * @return {@link System#nanoTime()} when the first 2xx response was read
   * @throws IllegalStateException naming the process, with the end of its log, when it never answers
   */
  public static long awaitOk(Launched launched, String path, Duration every, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!launched.alive()) {
        throw new IllegalStateException(launched.role() + " exited with " + launched.process().exitValue()
            + " before answering on port " + launched.port() + "; its log ends:\n" + Launcher.tail(launched, 30));
      }
      try {
        int status = status(launched.port(), path);
        if (status >= 200 && status < 300) {
          return System.nanoTime();
        }
        last = "HTTP " + status;
      } catch (IOException e) {
        last = e.toString();
      }
      Launcher.sleep(every);
    }
    throw new IllegalStateException(launched.role() + " did not answer 2xx on 127.0.0.1:" + launched.port() + path
        + " within " + timeout.toSeconds() + " s (last: " + last + "); its log ends:\n" + Launcher.tail(launched, 30));
  }

  /** One {@code GET} on a new connection; returns the status code. */
  public static int status(int port, String path) throws IOException {
    try (Socket socket = new Socket()) {
      socket.setSoTimeout(10_000);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      String line = in.readLine();
      if (line == null || line.length() < 12) {
        throw new IOException("no status line from port " + port + ": " + line);
      }
      return Integer.parseInt(line.substring(9, 12));
    }
  }
}
