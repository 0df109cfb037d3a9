package io.inboard.bench.load;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One persistent HTTP/1.1 connection to a loopback server, speaking just enough of the protocol to
 * send a GET and read a whole response (Content-Length or chunked). Raw sockets keep the load
 * generator's own cost small and predictable, and make the connection count exactly what we say.
 */
final class KeepAliveConnection implements AutoCloseable {
  private final String host;
  private final int port;
  private final byte[] request;
  private final byte[] line = new byte[8192];
  private final byte[] sink = new byte[16384];
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private boolean closeAfterResponse;

  /** The status line, headers and body of the last response, when asked to keep it; else {@code null}. */
  private StringBuilder body;

  /**
   * The last response's {@code x-downstream-version}: which version of the downstream service answered
   * the frontend's call (the demo service reports it), or {@code null} without that header.
   */
  private String downstreamVersion;

  KeepAliveConnection(String host, int port, String path, String hostHeader, String[] extraHeaders) {
    this.host = host;
    this.port = port;
    StringBuilder head = new StringBuilder();
    head.append("GET ").append(path).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(hostHeader).append("\r\n");
    for (String header : extraHeaders) {
      head.append(header).append("\r\n");
    }
    head.append("\r\n");
    this.request = head.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** Sends the GET and reads the whole response; returns the status code. */
  int exchange() throws IOException {
    return exchange(false);
  }

  /** Like {@link #exchange()}, keeping the whole response for {@link #lastResponse()} when asked. */
  int exchange(boolean keepBody) throws IOException {
    if (socket == null) {
      connect();
    }
    body = keepBody ? new StringBuilder() : null;
    try {
      out.write(request);
      out.flush();
      return readResponse();
    } catch (IOException e) {
      close();
      throw e;
    } finally {
      if (closeAfterResponse) {
        close();
      }
    }
  }

  /** Which version of the downstream answered the last exchange, or {@code null} if it did not say. */
  String downstreamVersion() {
    return downstreamVersion;
  }

  String lastResponse() {
    return body == null ? "" : body.toString();
  }

  private void connect() throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.setSoTimeout(30_000);
    s.connect(new InetSocketAddress(host, port), 5_000);
    socket = s;
    in = new BufferedInputStream(s.getInputStream(), 16384);
    out = new BufferedOutputStream(s.getOutputStream(), 1024);
    closeAfterResponse = false;
  }

  private int readResponse() throws IOException {
    String statusLine = readLine();
    if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP/1.x status line: '" + statusLine + "'");
    }
    int status = Integer.parseInt(statusLine.substring(9, 12));
    if (body != null) {
      body.append(statusLine).append('\n');
    }
    long contentLength = -1;
    boolean chunked = false;
    downstreamVersion = null;
    for (String header = readLine(); !header.isEmpty(); header = readLine()) {
      if (body != null) {
        body.append(header).append('\n');
      }
      int colon = header.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = header.substring(0, colon).trim();
      String value = header.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("content-length")) {
        contentLength = Long.parseLong(value);
      } else if (name.equalsIgnoreCase("transfer-encoding") && value.toLowerCase().contains("chunked")) {
        chunked = true;
      } else if (name.equalsIgnoreCase("connection") && value.equalsIgnoreCase("close")) {
        closeAfterResponse = true;
      } else if (name.equalsIgnoreCase("x-downstream-version")) {
        downstreamVersion = value;
      }
    }
    if (chunked) {
      for (long size = Long.parseLong(chunkSize(readLine()), 16); size > 0;
          size = Long.parseLong(chunkSize(readLine()), 16)) {
        skip(size);
        readLine(); // CRLF after the chunk
      }
      for (String trailer = readLine(); !trailer.isEmpty(); trailer = readLine()) {
        // trailers are ignored
      }
    } else if (contentLength >= 0) {
      skip(contentLength);
    } else if (status != 204 && status != 304) {
      // No length: the body runs to the end of the connection.
      closeAfterResponse = true;
      int n;
      while ((n = in.read(sink)) >= 0) {
        keep(n);
      }
    }
    return status;
  }

  private static String chunkSize(String lineText) {
    int semicolon = lineText.indexOf(';');
    return (semicolon >= 0 ? lineText.substring(0, semicolon) : lineText).trim();
  }

  private void skip(long count) throws IOException {
    long left = count;
    while (left > 0) {
      int n = in.read(sink, 0, (int) Math.min(sink.length, left));
      if (n < 0) {
        throw new EOFException("connection closed with " + left + " body bytes missing");
      }
      keep(n);
      left -= n;
    }
  }

  private void keep(int n) {
    if (body != null) {
      body.append(new String(sink, 0, n, StandardCharsets.UTF_8));
    }
  }

  private String readLine() throws IOException {
    int length = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed in the middle of a response");
      }
      if (b == '\n') {
        break;
      }
      if (b != '\r' && length < line.length) {
        line[length++] = (byte) b;
      }
    }
    return new String(line, 0, length, StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing a loopback socket: nothing useful to do
      }
      socket = null;
    }
  }
}
