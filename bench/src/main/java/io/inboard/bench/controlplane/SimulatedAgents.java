package io.inboard.bench.controlplane;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Many agents' watch loops in one JVM, cheap enough not to be what is measured: the simulator shares
 * the machine's cores with the config server, while real agents each have their own CPU. One selector
 * thread drives one persistent keep-alive HTTP/1.1 connection per agent over a non-blocking
 * {@link SocketChannel}, and on each sends the request the agents' {@code ConfigServerClient.watch}
 * sends: {@code GET /v1/snapshot?since=REV&timeoutSeconds=30} with {@code Accept-Encoding: gzip}. When
 * a snapshot's body has arrived in full the agent holds it (that instant is stamped), the body is
 * inflated (one reused {@link java.util.zip.Inflater}) and its revision and edit marker read, and the
 * next poll goes out at once with {@code since=} that revision. A 304 (the hold timed out) polls
 * again; an error is counted, the first one kept, and the poll retried after 200 ms, on a new
 * connection when the server closed the old one — as the agents' back-off starts.
 *
 * <p>An edit is recognised by a marker the benchmark puts into the rules (a unique weight, see
 * {@link #marker}), not by revision numbers, so instance-only revisions cannot confuse it.
 */
final class SimulatedAgents implements AutoCloseable {
  /** The agents' longest hold (ControlPlaneLoop.HOLD); the server answers 304 when it passes. */
  static final int HOLD_SECONDS = 30;
  /** The agents' client gives up on a watch 15 s after its hold (ConfigServerClient.watch). */
  private static final long ANSWER_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(HOLD_SECONDS + 15);
  /** The agents' first back-off step (ControlPlaneLoop: Backoff(200, 10_000)). */
  private static final long BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final String USER_AGENT = "Java-http-client/" + System.getProperty("java.version");

  private final InetSocketAddress server;
  private final String hostHeader;
  private final int count;
  private final Watch[] watches;
  private final Selector selector;
  private final Thread loop;
  /** The revision each agent holds, -1 before its first snapshot; read by other threads. */
  private final AtomicLongArray lastRevision;
  /** For each edit marker: how many agents have seen it, and when each did. */
  private final ConcurrentMap<Integer, AtomicLongArray> seenAt = new ConcurrentHashMap<>();
  private final ConcurrentMap<Integer, AtomicInteger> seenCount = new ConcurrentHashMap<>();
  private final AtomicLong snapshotsReceived = new AtomicLong();
  private final AtomicLong bytesReceived = new AtomicLong();
  private final AtomicLong wireBytesReceived = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  /** Notified when every agent has seen an edit, so that the benchmark need not poll for it. */
  private final Object allSeen = new Object();
  private volatile String firstError;
  private volatile boolean running = true;

  /** One agent's watch: its connection, the request being sent, the response being read. */
  private static final class Watch {
    final int agent;
    final WatchResponseParser response = new WatchResponseParser();
    SocketChannel channel;
    SelectionKey key;
    ByteBuffer request;
    int lastMarker = -1;
    /** When the current request must be answered by, or when a backed-off watch polls again; 0 for none. */
    long dueNanos;
    boolean backingOff;

    Watch(int agent) {
      this.agent = agent;
    }
  }

  SimulatedAgents(URI base, int count) throws IOException {
    this.server = new InetSocketAddress(base.getHost(), base.getPort());
    this.hostHeader = base.getHost() + ":" + base.getPort();
    this.count = count;
    this.lastRevision = new AtomicLongArray(count);
    this.watches = new Watch[count];
    for (int i = 0; i < count; i++) {
      lastRevision.set(i, -1);
      watches[i] = new Watch(i);
    }
    this.selector = Selector.open();
    this.loop = new Thread(this::run, "simulated-agents");
    loop.setDaemon(true);
  }

  void start() {
    loop.start();
  }

  private void run() {
    ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    try (GzipDecoder gzip = new GzipDecoder()) {
      for (Watch w : watches) {
        connect(w);
      }
      while (running) {
        long now = System.nanoTime();
        long nextDue = now + TimeUnit.SECONDS.toNanos(1);
        for (Watch w : watches) {
          if (w.dueNanos != 0 && w.dueNanos - now <= 0) {
            due(w);
          }
          if (w.dueNanos != 0 && w.dueNanos - nextDue < 0) {
            nextDue = w.dueNanos;
          }
        }
        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextDue - now)));
        for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
          SelectionKey key = it.next();
          it.remove();
          Watch w = (Watch) key.attachment();
          if (!key.isValid() || key != w.key) {
            continue;
          }
          try {
            if (key.isConnectable()) {
              w.channel.finishConnect();
              send(w);
            } else if (key.isWritable()) {
              write(w);
            } else if (key.isReadable()) {
              read(w, readBuffer, gzip);
            }
          } catch (IOException | RuntimeException e) {
            failed(w, e.getMessage() == null ? e.toString() : e.getMessage(), true);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      if (running) {
        error("the simulated agents' selector loop failed: " + e);
      }
    } finally {
      for (Watch w : watches) {
        closeChannel(w);
      }
      try {
        selector.close();
      } catch (IOException ignored) {
        // nothing left to release
      }
    }
  }

  /** A backed-off watch polls again; a request not answered in time is an error, as in the agents' client. */
  private void due(Watch w) {
    w.dueNanos = 0;
    if (w.backingOff) {
      w.backingOff = false;
      if (w.channel == null) {
        connect(w);
      } else {
        send(w);
      }
    } else {
      failed(w, "no answer to a watch within " + TimeUnit.NANOSECONDS.toSeconds(ANSWER_TIMEOUT_NANOS) + " s", true);
    }
  }

  private void connect(Watch w) {
    try {
      SocketChannel ch = SocketChannel.open();
      ch.configureBlocking(false);
      ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
      w.channel = ch;
      w.response.reset();
      if (ch.connect(server)) {
        w.key = ch.register(selector, 0, w);
        send(w);
      } else {
        w.key = ch.register(selector, SelectionKey.OP_CONNECT, w);
        w.dueNanos = System.nanoTime() + ANSWER_TIMEOUT_NANOS;
      }
    } catch (IOException e) {
      failed(w, "cannot connect to " + hostHeader + ": " + e, true);
    }
  }

  /** Sends the next poll for the revision the agent holds, as {@code ConfigServerClient.watch} does. */
  private void send(Watch w) {
    String request = "GET /v1/snapshot?since=" + lastRevision.get(w.agent) + "&timeoutSeconds=" + HOLD_SECONDS
        + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nUser-Agent: " + USER_AGENT
        + "\r\nAccept: application/json\r\nAccept-Encoding: gzip\r\n\r\n";
    w.request = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
    w.response.reset();
    w.dueNanos = System.nanoTime() + ANSWER_TIMEOUT_NANOS;
    try {
      write(w);
    } catch (IOException e) {
      failed(w, "cannot send a watch to " + hostHeader + ": " + e, true);
    }
  }

  private void write(Watch w) throws IOException {
    w.channel.write(w.request);
    w.key.interestOps(w.request.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
  }

  private void read(Watch w, ByteBuffer buffer, GzipDecoder gzip) throws IOException {
    while (true) {
      buffer.clear();
      int n = w.channel.read(buffer);
      if (n == 0) {
        return;
      }
      if (n < 0) {
        // Throws unless this ends a body read until the close, which makes a whole answer.
        w.response.endOfStream();
        if (answered(w, System.nanoTime(), gzip)) {
          reconnect(w);
        } else {
          closeChannel(w); // backing off; the retry connects anew
        }
        return;
      }
      buffer.flip();
      if (w.response.feed(buffer)) {
        long arrived = System.nanoTime(); // the whole body is here: the agent holds the snapshot
        if (buffer.hasRemaining()) {
          throw new IOException(buffer.remaining() + " bytes after a complete answer, with one watch in flight");
        }
        boolean closing = w.response.closing();
        if (answered(w, arrived, gzip)) {
          if (closing) {
            reconnect(w);
          } else {
            send(w);
          }
        }
        return;
      }
    }
  }

  /**
   * Takes a whole answer in: a snapshot updates the agent's revision and marks; a 304 changes nothing.
   *
   * @return whether to poll again at once (false: an error, the watch backs off)
   */
  private boolean answered(Watch w, long arrived, GzipDecoder gzip) throws IOException {
    WatchResponseParser r = w.response;
    wireBytesReceived.addAndGet(r.wireBytes());
    int status = r.status();
    if (status == 304) {
      return true;
    }
    byte[] body = r.body();
    int length = r.bodyLength();
    if (r.gzip()) {
      length = gzip.decode(body, length);
      body = gzip.output();
    }
    if (status != 200) {
      failed(w, "HTTP " + status + ": " + new String(body, 0, Math.min(length, 500), StandardCharsets.UTF_8),
          r.closing());
      return false;
    }
    long revision = revision(body, length);
    if (revision < 0) {
      failed(w, "a 200 answer to a watch without {\"revision\":N at its start: "
          + new String(body, 0, Math.min(length, 100), StandardCharsets.UTF_8), r.closing());
      return false;
    }
    snapshotsReceived.incrementAndGet();
    bytesReceived.addAndGet(length);
    lastRevision.set(w.agent, revision);
    int edit = marker(body, length);
    if (edit >= 0 && edit != w.lastMarker) {
      w.lastMarker = edit;
      seenAt.computeIfAbsent(edit, k -> new AtomicLongArray(count)).set(w.agent, arrived);
      if (seenCount.computeIfAbsent(edit, k -> new AtomicInteger()).incrementAndGet() == count) {
        synchronized (allSeen) {
          allSeen.notifyAll();
        }
      }
    }
    return true;
  }

  /** Counts an error, keeps the first, and polls again after the back-off, on a new connection if need be. */
  private void failed(Watch w, String what, boolean dropConnection) {
    if (!running) {
      return;
    }
    error("agent " + w.agent + ": " + what);
    if (dropConnection) {
      closeChannel(w);
    } else if (w.key != null && w.key.isValid()) {
      w.key.interestOps(0);
    }
    w.backingOff = true;
    w.dueNanos = System.nanoTime() + BACKOFF_NANOS;
  }

  private void error(String what) {
    errors.incrementAndGet();
    if (firstError == null) {
      firstError = what;
    }
  }

  /** The server ends the connection after an answer (Connection: close): the next poll opens a new one. */
  private void reconnect(Watch w) {
    closeChannel(w);
    connect(w);
  }

  private static void closeChannel(Watch w) {
    if (w.channel != null) {
      try {
        w.channel.close(); // also cancels its key
      } catch (IOException ignored) {
        // closing a socket that is gone already
      }
      w.channel = null;
      w.key = null;
    }
  }

  private static final byte[] REVISION = "\"revision\"".getBytes(StandardCharsets.US_ASCII);

  /**
   * The revision a snapshot body starts with ({@code {"revision":N,...}}, looked for in its first 64
   * bytes), or -1 when there is none.
   */
  static long revision(byte[] body, int length) {
    int end = Math.min(length, 64);
    outer:
    for (int i = 0; i + REVISION.length < end; i++) {
      for (int j = 0; j < REVISION.length; j++) {
        if (body[i + j] != REVISION[j]) {
          continue outer;
        }
      }
      int p = i + REVISION.length;
      while (p < length && (body[p] == ' ' || body[p] == ':')) {
        p++;
      }
      long value = 0;
      int digits = 0;
      while (p < length && body[p] >= '0' && body[p] <= '9' && digits < 18) {
        value = value * 10 + (body[p++] - '0');
        digits++;
      }
      return digits == 0 ? -1 : value;
    }
    return -1;
  }

  private static final byte[] WEIGHT = "\"weight\":".getBytes(StandardCharsets.US_ASCII);

  /**
   * The edit number in the snapshot: the benchmark gives v2 the weight {@code 1000 + edit}, the only
   * weight of four digits starting with 1; -1 when there is none.
   */
  static int marker(byte[] body) {
    return marker(body, body.length);
  }

  /** {@link #marker(byte[])} of {@code body[0, length)}, for a reused buffer. */
  static int marker(byte[] body, int length) {
    outer:
    for (int i = 0; i + WEIGHT.length + 4 <= length; i++) {
      for (int j = 0; j < WEIGHT.length; j++) {
        if (body[i + j] != WEIGHT[j]) {
          continue outer;
        }
      }
      int p = i + WEIGHT.length;
      while (p < length && body[p] == ' ') {
        p++;
      }
      if (p + 4 > length || body[p] != '1') {
        continue;
      }
      int value = 0;
      for (int k = 1; k <= 3; k++) {
        byte b = body[p + k];
        if (b < '0' || b > '9') {
          continue outer;
        }
        value = value * 10 + (b - '0');
      }
      if (p + 4 < length && body[p + 4] >= '0' && body[p + 4] <= '9') {
        continue; // five digits or more: not the marker
      }
      return value;
    }
    return -1;
  }

  /** How many agents have seen edit {@code edit}. */
  int seen(int edit) {
    AtomicInteger n = seenCount.get(edit);
    return n == null ? 0 : n.get();
  }

  /**
   * Waits until every agent has seen edit {@code edit}, or {@code timeoutNanos} passed.
   *
   * @return whether all have
   */
  boolean awaitAllSeen(int edit, long timeoutNanos) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    synchronized (allSeen) {
      while (seen(edit) < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(allSeen, left);
      }
    }
    return true;
  }

  /** When each agent first saw edit {@code edit} ({@link System#nanoTime()}; 0 for not yet). */
  long[] seenAt(int edit) {
    AtomicLongArray at = seenAt.get(edit);
    long[] out = new long[count];
    for (int i = 0; at != null && i < count; i++) {
      out[i] = at.get(i);
    }
    return out;
  }

  /** How many agents hold a snapshot (have a revision at all). */
  int connected() {
    int n = 0;
    for (int i = 0; i < count; i++) {
      if (lastRevision.get(i) >= 0) {
        n++;
      }
    }
    return n;
  }

  long snapshotsReceived() {
    return snapshotsReceived.get();
  }

  /** Snapshot bytes received, decoded (gzip undone): what the agents parsed. */
  long bytesReceived() {
    return bytesReceived.get();
  }

  /** Bytes of all answers as they came over the connections: heads, framing and (gzip'd) bodies. */
  long wireBytesReceived() {
    return wireBytesReceived.get();
  }

  long errors() {
    return errors.get();
  }

  String firstError() {
    return firstError;
  }

  @Override
  public void close() {
    running = false;
    if (loop.getState() == Thread.State.NEW) {
      try {
        selector.close();
      } catch (IOException ignored) {
        // nothing registered yet
      }
      return;
    }
    selector.wakeup();
    try {
      loop.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
