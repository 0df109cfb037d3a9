package io.inboard.server;

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

/**
 * Many long-poll watch requests over plain non-blocking keep-alive sockets, served by one selector
 * thread, each answer stamped with the arrival time of its first byte. A test tool for fan-out.
 */
final class RawWatchers {
  /** One answer: status, body, and when its first byte arrived ({@link System#nanoTime()}). */
  record Answer(int status, String body, long firstByteNanos) {}

  private static final class Conn {
    final ByteBuffer request;
    final java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
    long firstByte;
    boolean done;

    Conn(ByteBuffer request) {
      this.request = request;
    }
  }

  private final Selector selector;
  private final List<Conn> conns = new ArrayList<>();
  private final Thread loop;
  private volatile int answered;

  RawWatchers(URI server, int count, String pathAndQuery) throws IOException {
    selector = Selector.open();
    // Keep-alive, as agents' HTTP clients do: an answer is complete at its Content-Length.
    String req = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + server.getHost() + ":" + server.getPort()
        + "\r\n\r\n";
    for (int i = 0; i < count; i++) {
      SocketChannel ch = SocketChannel.open(new InetSocketAddress(server.getHost(), server.getPort()));
      ch.configureBlocking(false);
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
            if (n < 0 || complete(c.received)) {
              c.done = true;
              key.cancel();
              ch.close();
              answered++;
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the bytes hold a whole response: headers and as many body bytes as Content-Length says. */
  private static boolean complete(java.io.ByteArrayOutputStream received) {
    String raw = received.toString(StandardCharsets.ISO_8859_1);
    int end = raw.indexOf("\r\n\r\n");
    if (end < 0) {
      return false;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(raw.substring(0, end));
    long length = m.find() ? Long.parseLong(m.group(1)) : 0;
    return raw.length() - (end + 4) >= length;
  }

  /** Waits until every connection was answered in full, then parses the answers. */
  List<Answer> awaitAll(Duration timeout) throws InterruptedException, IOException {
    loop.join(timeout.toMillis());
    selector.close();
    List<Answer> out = new ArrayList<>();
    for (Conn c : conns) {
      String raw = c.received.toString(StandardCharsets.UTF_8);
      int status = raw.length() >= 12 ? Integer.parseInt(raw.substring(9, 12)) : 0;
      int bodyAt = raw.indexOf("\r\n\r\n");
      out.add(new Answer(status, bodyAt < 0 ? "" : raw.substring(bodyAt + 4), c.firstByte));
    }
    return out;
  }
}
