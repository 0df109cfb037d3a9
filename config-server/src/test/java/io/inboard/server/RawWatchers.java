package io.inboard.server;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Many long-poll watch requests over plain non-blocking keep-alive sockets, served by one selector
 * thread, each answer stamped with the arrival time of its first byte. A test tool for fan-out.
 * Connections stay open until {@link #close}, as agents keep theirs, so that the server's work of
 * closing 500 connections does not land in the middle of a measured fan-out.
 */
final class RawWatchers implements AutoCloseable {
  private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length:\\s*(\\d+)");
  private static final Pattern GZIP = Pattern.compile("(?im)^content-encoding:\\s*gzip");

  /** One answer: status, headers, body as sent, and when its first byte arrived ({@link System#nanoTime()}). */
  record Answer(int status, String headers, byte[] body, long firstByteNanos) {
    /** The body with a gzip content coding undone. */
    byte[] decodedBody() throws IOException {
      if (!GZIP.matcher(headers).find()) {
        return body;
      }
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
        return in.readAllBytes();
      }
    }

    @Override
    public String toString() {
      return status + " " + headers.replace("\r\n", " | ") + " (" + body.length + " body bytes)";
    }
  }

  private static final class Conn {
    final ByteBuffer request;
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    long firstByte;
    int headerEnd = -1;
    long contentLength;

    Conn(ByteBuffer request) {
      this.request = request;
    }

    /** Whether the bytes hold a whole response: headers and as many body bytes as Content-Length says. */
    boolean complete() {
      if (headerEnd < 0) {
        String raw = received.toString(StandardCharsets.ISO_8859_1);
        int end = raw.indexOf("\r\n\r\n");
        if (end < 0) {
          return false;
        }
        headerEnd = end + 4;
        Matcher m = CONTENT_LENGTH.matcher(raw.substring(0, end));
        contentLength = m.find() ? Long.parseLong(m.group(1)) : 0;
      }
      return received.size() - headerEnd >= contentLength;
    }
  }

  private final Selector selector;
  private final List<Conn> conns = new ArrayList<>();
  private final List<SocketChannel> channels = new ArrayList<>();
  private final Thread loop;
  private volatile int answered;

  RawWatchers(URI server, int count, String pathAndQuery) throws IOException {
    this(server, count, pathAndQuery, "");
  }

  /**
   * @param extraHeaders header lines to send with each request, each ending in CRLF (e.g.
   *     {@code "Accept-Encoding: gzip\r\n"})
   */
  RawWatchers(URI server, int count, String pathAndQuery, String extraHeaders) throws IOException {
    selector = Selector.open();
    // Keep-alive, as agents' HTTP clients do: an answer is complete at its Content-Length.
    String req = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + server.getHost() + ":" + server.getPort()
        + "\r\n" + extraHeaders + "\r\n";
    for (int i = 0; i < count; i++) {
      SocketChannel ch = SocketChannel.open(new InetSocketAddress(server.getHost(), server.getPort()));
      ch.configureBlocking(false);
      channels.add(ch);
      Conn c = new Conn(ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII)));
      conns.add(c);
      ch.register(selector, SelectionKey.OP_WRITE, c);
    }
    loop = new Thread(this::run, "raw-watchers");
    loop.setDaemon(true);
    loop.start();
  }

  int answered() {
    return answered;
  }

  private void run() {
    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
    try {
      while (answered < conns.size()) {
        selector.select(1000);
        long now = System.nanoTime();
        for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
          SelectionKey key = it.next();
          it.remove();
          Conn c = (Conn) key.attachment();
          SocketChannel ch = (SocketChannel) key.channel();
          if (key.isWritable()) {
            ch.write(c.request);
            if (!c.request.hasRemaining()) {
              key.interestOps(SelectionKey.OP_READ);
            }
          } else if (key.isReadable()) {
            buf.clear();
            int n = ch.read(buf);
            if (n > 0 && c.firstByte == 0) {
              c.firstByte = now;
            }
            if (n > 0) {
              c.received.write(buf.array(), 0, n);
            }
            if (n < 0 || c.complete()) {
              key.cancel();
              answered++;
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    for (SocketChannel ch : channels) {
      ch.close();
    }
  }

  /** Waits until every connection was answered in full, then parses the answers. */
  List<Answer> awaitAll(Duration timeout) throws InterruptedException, IOException {
    loop.join(timeout.toMillis());
    selector.close();
    List<Answer> out = new ArrayList<>();
    for (Conn c : conns) {
      byte[] raw = c.received.toByteArray();
      String head = new String(raw, 0, c.headerEnd < 0 ? raw.length : c.headerEnd, StandardCharsets.ISO_8859_1);
      int status = head.length() >= 12 ? Integer.parseInt(head.substring(9, 12)) : 0;
      byte[] body = c.headerEnd < 0 ? new byte[0] : java.util.Arrays.copyOfRange(raw, c.headerEnd, raw.length);
      out.add(new Answer(status, head.strip(), body, c.firstByte));
    }
    return out;
  }
}
