package io.inboard.core.controlplane;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * How {@link ConfigServerClient} sends one request to the config server and reads its answer. Two
 * exist: {@link JdkHttpTransport} over the JDK's {@code HttpClient}, for the command line and the
 * gateway, and {@link SocketHttpTransport}, plain blocking HTTP/1.1 on a kept-alive socket, for the
 * agent, whose few requests a minute must cost the application next to nothing.
 */
public interface ConfigServerTransport {
  /**
   * Sends {@code method uri} with {@code headers} (name, value, name, value...) and {@code body}
   * ({@code null} for none), and waits at most {@code timeout} for the whole answer.
   *
   * @throws IOException when the server cannot be reached or the exchange breaks off
   */
  Answer exchange(String method, URI uri, List<String> headers, byte[] body, Duration timeout) throws IOException;

  /**
   * The server's answer.
   *
   * @param contentEncoding the {@code Content-Encoding} header, {@code null} when absent
   * @param body the body as received (still encoded), empty when there is none
   */
  record Answer(int status, String contentEncoding, byte[] body) {}
}
