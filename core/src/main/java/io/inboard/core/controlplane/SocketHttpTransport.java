package io.inboard.core.controlplane;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedDeque;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Plain blocking HTTP/1.1 to one config server, on kept-alive sockets: the request is written and
 * the answer read on the calling thread. The agent makes a request every few seconds at most (a
 * lease renewal, a long poll), and the JDK's {@code HttpClient} spent several milliseconds of CPU on
 * each — a selector thread and an executor woken per request, and code run so rarely that the JIT
 * keeps compiling it — about 1.5 ms of CPU per second in an otherwise idle JVM. Here a request is a
 * few hundred bytes written and a status line, headers and body read.
 *
 * <p>Reads {@code Content-Length} and chunked bodies. A connection is reused when the server keeps
 * it open; a request that finds a reused connection closed by the server is sent once more on a new
 * one (the agent's requests are idempotent: a lease renewal, a watch, a deregistration). Several
 * threads may call at once, each on its own connection. {@code https} servers are reached with the
 * JVM's default TLS settings and the host name checked against the certificate.
 */
public final class SocketHttpTransport implements ConfigServerTransport {
  /** Larger answers are refused rather than read into memory: a snapshot is far smaller. */
  static final int MAX_BODY_BYTES = 64 << 20;

  private static final int MAX_LINE = 64 << 10;

  private final Duration connectTimeout;
  private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();

  public SocketHttpTransport(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  @Override
  public Answer exchange(String method, URI uri, List<String> headers, byte[] body, Duration timeout)
      throws IOException {
    Endpoint endpoint = Endpoint.of(uri);
    Connection reused = takeIdle(endpoint);
    if (reused != null) {
      try {
        return exchangeOn(reused, true, method, uri, headers, body, timeout);
      } catch (StaleConnection e) {
        // The server closed it while it sat idle; nothing was answered: send again, fresh.
      }
    }
    try {
      return exchangeOn(Connection.open(endpoint, connectTimeout), false, method, uri, headers, body, timeout);
    } catch (StaleConnection e) {
      throw new EOFException("the config server closed the connection without answering");
    }
  }

  /** Closes the idle connections (the next request opens a new one). */
  public void closeIdle() {
    for (Connection c; (c = idle.pollFirst()) != null; ) {
      c.close();
    }
  }

  private Connection takeIdle(Endpoint endpoint) {
    for (Connection c; (c = idle.pollFirst()) != null; ) {
      if (c.endpoint.equals(endpoint)) {
        return c;
      }
      c.close();
    }
    return null;
  }

  private Answer exchangeOn(Connection c, boolean reused, String method, URI uri, List<String> headers, byte[] body,
      Duration timeout) throws IOException {
    boolean keep = false;
    try {
      c.socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
      try {
        c.write(method, uri, headers, body);
      } catch (IOException e) {
        if (reused) {
          throw new StaleConnection(); // reset by a server that had closed it
        }
        throw e;
      }
      Reply reply = c.read(method);
      keep = reply.keepAlive();
      return reply.answer();
    } finally {
      if (keep) {
        idle.offerFirst(c);
      } else {
        c.close();
      }
    }
  }

  /** Where a connection goes: scheme, host and port. */
  record Endpoint(boolean tls, String host, int port) {
    static Endpoint of(URI uri) {
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException("the config server's address must be http:// or https://, got " + uri);
      }
      String host = uri.getHost();
      if (host == null) {
        throw new IllegalArgumentException("the config server's address has no host: " + uri);
      }
      boolean tls = scheme.equals("https");
      return new Endpoint(tls, host, uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80);
    }

    /** The host for a socket: an IPv6 literal without its brackets. */
    String socketHost() {
      return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
  }

  /** An answer and whether its connection can carry the next request. */
  private record Reply(Answer answer, boolean keepAlive) {}

  /** A reused connection the server had closed: nothing of the answer arrived. */
  private static final class StaleConnection extends IOException {
    StaleConnection() {
      super("connection closed by the server");
    }
  }

  private static final class Connection {
    final Endpoint endpoint;
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    private Connection(Endpoint endpoint, Socket socket) throws IOException {
      this.endpoint = endpoint;
      this.socket = socket;
      this.in = new BufferedInputStream(socket.getInputStream(), 8192);
      this.out = new BufferedOutputStream(socket.getOutputStream(), 2048);
    }

    static Connection open(Endpoint endpoint, Duration connectTimeout) throws IOException {
      Socket plain = new Socket();
      try {
        plain.setTcpNoDelay(true);
        plain.connect(new InetSocketAddress(endpoint.socketHost(), endpoint.port()),
            (int) Math.min(Integer.MAX_VALUE, Math.max(1, connectTimeout.toMillis())));
        if (!endpoint.tls()) {
          return new Connection(endpoint, plain);
        }
        SSLSocket tls = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
            .createSocket(plain, endpoint.socketHost(), endpoint.port(), true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
        tls.startHandshake();
        return new Connection(endpoint, tls);
      } catch (IOException | RuntimeException e) {
        plain.close();
        throw e;
      }
    }

    void write(String method, URI uri, List<String> headers, byte[] body) throws IOException {
      StringBuilder head = new StringBuilder(256);
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      head.append(method).append(' ').append(path);
      if (uri.getRawQuery() != null) {
        head.append('?').append(uri.getRawQuery());
      }
      head.append(" HTTP/1.1\r\nHost: ").append(endpoint.host());
      if (uri.getPort() >= 0) {
        head.append(':').append(uri.getPort());
      }
      head.append("\r\n");
      for (int i = 0; i + 1 < headers.size(); i += 2) {
        head.append(headers.get(i)).append(": ").append(headers.get(i + 1)).append("\r\n");
      }
      if (body != null || !method.equals("GET") && !method.equals("DELETE")) {
        head.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n");
      }
      head.append("\r\n");
      out.write(head.toString().getBytes(StandardCharsets.UTF_8));
      if (body != null) {
        out.write(body);
      }
      out.flush();
    }

    Reply read(String method) throws IOException {
      int first;
      try {
        first = in.read();
      } catch (java.net.SocketException e) {
        throw new StaleConnection(); // reset before any of the answer arrived
      }
      if (first < 0) {
        throw new StaleConnection();
      }
      String statusLine = (char) first + line();
      // "HTTP/1.1 200 OK": the status is the second word.
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP/1.x answer from the config server: " + abbreviated(statusLine));
      }
      int status;
      try {
        status = Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        throw new IOException("bad status line from the config server: " + abbreviated(statusLine), e);
      }
      long length = -1;
      boolean chunked = false;
      boolean close = parts[0].equals("HTTP/1.0");
      String encoding = null;
      for (String header; !(header = line()).isEmpty(); ) {
        int colon = header.indexOf(':');
        if (colon <= 0) {
          continue;
        }
        String name = header.substring(0, colon).trim();
        String value = header.substring(colon + 1).trim();
        if (name.equalsIgnoreCase("Content-Length")) {
          try {
            length = Long.parseLong(value);
          } catch (NumberFormatException e) {
            throw new IOException("bad Content-Length from the config server: " + abbreviated(value), e);
          }
        } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
          chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        } else if (name.equalsIgnoreCase("Connection")) {
          String v = value.toLowerCase(Locale.ROOT);
          close = v.contains("close") || close && !v.contains("keep-alive");
        } else if (name.equalsIgnoreCase("Content-Encoding")) {
          encoding = value;
        }
      }
      if (status >= 100 && status < 200) {
        return read(method); // an interim answer: the real one follows
      }
      byte[] body;
      if (method.equals("HEAD") || status == 204 || status == 304) {
        body = new byte[0];
      } else if (chunked) {
        body = chunks();
      } else if (length >= 0) {
        if (length > MAX_BODY_BYTES) {
          throw new IOException("the config server's answer is " + length + " bytes, more than " + MAX_BODY_BYTES);
        }
        body = in.readNBytes((int) length);
        if (body.length < length) {
          throw new EOFException("the config server's answer ended after " + body.length + " of " + length + " bytes");
        }
      } else {
        body = upTo(in, MAX_BODY_BYTES); // no length: the body runs to the end of the connection
        close = true;
      }
      return new Reply(new Answer(status, encoding, body), !close);
    }

    private byte[] chunks() throws IOException {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        String sizeLine = line();
        int semicolon = sizeLine.indexOf(';');
        int size;
        try {
          size = Integer.parseInt((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim(), 16);
        } catch (NumberFormatException e) {
          throw new IOException("bad chunk size from the config server: " + abbreviated(sizeLine), e);
        }
        if (size < 0 || body.size() + (long) size > MAX_BODY_BYTES) {
          throw new IOException("the config server's answer is larger than " + MAX_BODY_BYTES + " bytes");
        }
        if (size == 0) {
          while (!line().isEmpty()) {
            // trailers: none expected, skipped
          }
          return body.toByteArray();
        }
        byte[] chunk = in.readNBytes(size);
        if (chunk.length < size) {
          throw new EOFException("the config server's answer ended inside a chunk");
        }
        body.write(chunk);
        line(); // the CRLF after the chunk
      }
    }

    /** One line without its CRLF (or LF); ISO-8859-1, as HTTP's header bytes are. */
    private String line() throws IOException {
      StringBuilder line = new StringBuilder(64);
      for (int b; (b = in.read()) != '\n'; ) {
        if (b < 0) {
          throw new EOFException("the config server closed the connection inside the answer's head");
        }
        if (line.length() >= MAX_LINE) {
          throw new IOException("a line of the config server's answer is longer than " + MAX_LINE + " bytes");
        }
        line.append((char) b);
      }
      int end = line.length();
      return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
    }

    private static byte[] upTo(InputStream in, int max) throws IOException {
      byte[] body = in.readNBytes(max + 1);
      if (body.length > max) {
        throw new IOException("the config server's answer is larger than " + max + " bytes");
      }
      return body;
    }

    private static String abbreviated(String s) {
      return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // closing: nothing left to do with it
      }
    }
  }
}
