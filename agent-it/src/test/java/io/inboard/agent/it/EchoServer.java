package io.inboard.agent.it;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A downstream instance ({@code user} v1 or v2) in the test's own JVM: answers every request with
 * one line naming itself and echoing what it received, e.g.
 * {@code version=v1 instance=user-v1 host=user path=/echo h.my-header=alice ...}; with
 * {@code ?delay=MILLIS} it waits that long first. One made with a status answers every request with
 * it (an instance gone bad).
 */
final class EchoServer implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;
  final String version;
  final String instance;
  /** The line answered to each request, in order: what this instance received. */
  final List<String> received = new CopyOnWriteArrayList<>();

  EchoServer(String version, String instance) throws Exception {
    this(version, instance, 200);
  }

  EchoServer(String version, String instance, int status) throws Exception {
    this.version = version;
    this.instance = instance;
    server = new Server();
    connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) throws Exception {
            // ?delay=MILLIS answers late: how the tests see a rule's timeout cut a call short.
            String query = request.getHttpURI().getQuery();
            if (query != null && query.startsWith("delay=")) {
              Thread.sleep(Long.parseLong(query.substring("delay=".length())));
            }
            Map<String, String> headers = new TreeMap<>();
            for (HttpField field : request.getHeaders()) {
              headers.merge(
                  field.getName().toLowerCase(Locale.ROOT), field.getValue().replace(' ', '_'), (a, b) -> a + "," + b);
            }
            StringBuilder line =
                new StringBuilder("version=")
                    .append(version)
                    .append(" instance=")
                    .append(instance)
                    .append(" host=")
                    .append(request.getHeaders().get(HttpHeader.HOST))
                    .append(" path=")
                    .append(request.getHttpURI().getPath());
            headers.forEach((k, v) -> line.append(" h.").append(k).append('=').append(v));
            response.setStatus(status);
            received.add(line.toString());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
            response.write(true, ByteBuffer.wrap(line.append('\n').toString().getBytes(StandardCharsets.UTF_8)), callback);
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
