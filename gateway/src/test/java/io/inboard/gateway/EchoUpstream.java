package io.inboard.gateway;

import io.inboard.core.mesh.Instance;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A real upstream service on 127.0.0.1: answers with what it received (instance, method, path,
 * query, headers), one {@code name: value} line each, so tests see exactly what the gateway sent.
 * Special paths: {@code /status/N}, {@code /slow?ms=N[&status=N]}, {@code /download?mb=N},
 * {@code /upload} (counts the body), {@code /gated} (first bytes, then waits for {@link #gate}),
 * {@code /hop-by-hop} (a chunked answer with {@code Connection} and {@code Keep-Alive} headers).
 */
final class EchoUpstream implements AutoCloseable {
  final String id;
  final Map<String, String> labels;
  final AtomicInteger requests = new AtomicInteger();
  /** Released by a test to let {@code /gated} finish its answer. */
  final CountDownLatch gate = new CountDownLatch(1);
  /** Counted down when {@code /upload} has received its first bytes. */
  final CountDownLatch uploadStarted = new CountDownLatch(1);
  final AtomicLong uploadedBytes = new AtomicLong();
  /** How many of the next requests to {@code /flaky} answer 503 before one succeeds. */
  final AtomicInteger flakyFailures = new AtomicInteger();
  /** When not 0, every request is answered with this status (an instance gone bad). */
  volatile int failWith;
  /** The {@code Host} and path of the last request received. */
  volatile String lastHostAndPath;
  /** The headers of the last request received. */
  volatile org.eclipse.jetty.http.HttpFields lastHeaders;
  private final Server server;
  private final ServerConnector connector;

  EchoUpstream(String id, Map<String, String> labels) throws Exception {
    this.id = id;
    this.labels = Map.copyOf(labels);
    QueuedThreadPool threads = new QueuedThreadPool(64, 2);
    threads.setName("upstream-" + id);
    server = new Server(threads);
    connector = new ServerConnector(server, 1, 1);
    // Takes any path the gateway sends, so tests see exactly that (%2F, //, dot segments).
    connector.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration()
        .setUriCompliance(UriCompliance.UNSAFE);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(new Echo());
    server.start();
  }

  int port() {
    return connector.getLocalPort();
  }

  Instance instance(String service, String namespace) {
    return new Instance(id, service, namespace, "127.0.0.1", port(), labels);
  }

  @Override
  public void close() throws Exception {
    gate.countDown();
    server.stop();
  }

  private final class Echo extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      String path = request.getHttpURI().getPath();
      lastHostAndPath = request.getHeaders().get(HttpHeader.HOST) + path;
      lastHeaders = request.getHeaders().asImmutable();
      requests.incrementAndGet();
      response.getHeaders().put("x-upstream-instance", id);
      // Which of the gateway's connections carried the request: its port on the gateway's side.
      if (request.getConnectionMetaData().getRemoteSocketAddress() instanceof java.net.InetSocketAddress from) {
        response.getHeaders().put("x-upstream-connection", from.getPort());
      }
      int failure = failWith;
      if (failure != 0) {
        response.setStatus(failure);
        Content.Sink.write(response, true, "failing on purpose: " + id + "\n", callback);
        return true;
      }
      if (path.startsWith("/status/")) {
        response.setStatus(Integer.parseInt(path.substring("/status/".length())));
        Content.Sink.write(response, true, echo(request), callback);
        return true;
      }
      if (path.equals("/reset")) {
        // Hang up without a byte of answer, as a crashing instance would.
        request.getConnectionMetaData().getConnection().getEndPoint().close();
        callback.failed(new java.io.IOException("connection closed by the test upstream"));
        return true;
      }
      if (path.equals("/flaky") && flakyFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        response.setStatus(503);
        Content.Sink.write(response, true, "flaky failure from " + id + "\n", callback);
        return true;
      }
      if (path.equals("/slow")) {
        long ms = Long.parseLong(query(request, "ms", "1000"));
        response.setStatus(Integer.parseInt(query(request, "status", "200")));
        request.getComponents().getScheduler().schedule(
            () -> Content.Sink.write(response, true, echo(request), callback), ms, TimeUnit.MILLISECONDS);
        return true;
      }
      if (path.equals("/download")) {
        long bytes = Long.parseLong(query(request, "mb", "1")) * 1024 * 1024;
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes);
        writeBlocks(response, callback, bytes);
        return true;
      }
      if (path.equals("/upload")) {
        long total = 0;
        byte[] scratch = new byte[64 * 1024];
        try (var in = Content.Source.asInputStream(request)) {
          for (int n; (n = in.read(scratch)) >= 0; ) {
            total += n;
            uploadedBytes.set(total);
            if (total > 0) {
              uploadStarted.countDown();
            }
          }
        }
        Content.Sink.write(response, true, "received " + total + " bytes at " + id + "\n", callback);
        return true;
      }
      if (path.equals("/hop-by-hop")) {
        // What an HTTP/1.1 server may send that only means something on its own connection.
        response.getHeaders().put(HttpHeader.CONNECTION, "keep-alive");
        response.getHeaders().put(HttpHeader.KEEP_ALIVE, "timeout=30");
        response.getHeaders().put("x-end-to-end", "kept");
        // Two writes, the first not the last: no Content-Length, so the answer is chunked.
        response.write(false, ByteBuffer.wrap("first\n".getBytes(StandardCharsets.UTF_8)), Callback.from(
            () -> response.write(true, ByteBuffer.wrap("second\n".getBytes(StandardCharsets.UTF_8)), callback),
            callback::failed));
        return true;
      }
      if (path.equals("/gated")) {
        try (var out = Content.Sink.asOutputStream(response)) {
          out.write(("first bytes from " + id + "\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
          if (!gate.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("gate never opened");
          }
          out.write("rest\n".getBytes(StandardCharsets.UTF_8));
        }
        callback.succeeded();
        return true;
      }
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
      Content.Sink.write(response, true, echo(request), callback);
      return true;
    }

    private String echo(Request request) {
      StringBuilder out = new StringBuilder();
      out.append("instance: ").append(id).append('\n');
      out.append("version: ").append(labels.getOrDefault("version", "")).append('\n');
      out.append("method: ").append(request.getMethod()).append('\n');
      out.append("path: ").append(request.getHttpURI().getPath()).append('\n');
      out.append("query: ").append(request.getHttpURI().getQuery()).append('\n');
      for (HttpField field : request.getHeaders()) {
        out.append("header ").append(field.getLowerCaseName()).append(": ").append(field.getValue()).append('\n');
      }
      return out.toString();
    }

    private String query(Request request, String name, String fallback) {
      Fields fields = Request.extractQueryParameters(request);
      String value = fields.getValue(name);
      return value == null ? fallback : value;
    }

    /** Writes {@code remaining} bytes in 64 KiB blocks, each after the last one was sent. */
    private void writeBlocks(Response response, Callback callback, long remaining) {
      int size = (int) Math.min(64 * 1024, remaining);
      boolean last = remaining - size == 0;
      response.write(last, ByteBuffer.allocate(size), Callback.from(
          () -> {
            if (last) {
              callback.succeeded();
            } else {
              writeBlocks(response, callback, remaining - size);
            }
          },
          callback::failed));
    }
  }
}
