package io.inboard.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A real Jetty instance on 127.0.0.1 that speaks HTTP/1.1 and h2c (prior knowledge) on one port, and
 * answers with the protocol it was spoken to in: {@code protocol}, {@code host}, {@code te},
 * {@code bytes} (the body's length) and {@code trailer x-sum} (a request trailer), one
 * {@code name: value} line each. {@code /slow?ms=N} waits first; {@code /trailers} answers with the
 * response trailer {@code x-checksum: c0ffee}.
 */
final class H2cUpstream implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;

  H2cUpstream() throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(32, 2);
    threads.setName("h2c-upstream");
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Fields query = Request.extractQueryParameters(request);
        if (request.getHttpURI().getPath().equals("/slow")) {
          Thread.sleep(Long.parseLong(query.getValue("ms")));
        }
        long bytes = 0;
        HttpFields trailers = null;
        while (true) {
          Content.Chunk chunk = request.read();
          if (chunk == null) {
            CountDownLatch more = new CountDownLatch(1);
            request.demand(more::countDown);
            more.await();
            continue;
          }
          bytes += chunk.remaining();
          if (chunk instanceof org.eclipse.jetty.http.Trailers t) {
            trailers = t.getTrailers();
          }
          chunk.release();
          if (chunk.isLast()) {
            break;
          }
        }
        String body = "protocol: " + request.getConnectionMetaData().getProtocol() + "\n"
            + "host: " + request.getHttpURI().getAuthority() + "\n"
            + "te: " + request.getHeaders().get(HttpHeader.TE) + "\n"
            + "bytes: " + bytes + "\n"
            + "trailer x-sum: " + (trailers == null ? null : trailers.get("x-sum")) + "\n";
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
        if (request.getHttpURI().getPath().equals("/trailers")) {
          HttpFields.Mutable answerTrailers = HttpFields.build().put("x-checksum", "c0ffee");
          response.setTrailersSupplier(() -> answerTrailers);
          response.write(false, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)),
              Callback.from(() -> response.write(true, null, callback), callback::failed));
        } else {
          Content.Sink.write(response, true, body, callback);
        }
        return true;
      }
    });
    server.start();
  }

  int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
