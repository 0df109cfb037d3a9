package io.inboard.agent.it.app;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * An application for the edges of outbound routing, run in a forked JVM with the agent. Modes:
 *
 * <ul>
 *   <li>{@code huc URL...}: GETs each URL with {@code HttpURLConnection} (redirects followed, the
 *       default) and prints {@code RESULT <status> <body>}, or {@code FAILED <exception>}; then,
 *       with {@code -Dinboard.admin-port}, the admin endpoint's {@code istio_requests_total} lines
 *       as {@code METRIC <line>}.
 *   <li>{@code okhttp-queue URL}: serves one inbound request on Jetty whose servlet enqueues a slow
 *       OkHttp call to URL; meanwhile a background thread with no inbound request enqueues a call to
 *       URL too, which OkHttp queues (one call per host at a time); prints {@code BACKGROUND <body>},
 *       then {@code NESTED <body>} of the call that call's callback makes.
 * </ul>
 */
public final class EdgeApplication {
  private EdgeApplication() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "huc" -> {
        for (int i = 1; i < args.length; i++) {
          HttpURLConnection connection = (HttpURLConnection) new URL(args[i]).openConnection();
          try {
            int status = connection.getResponseCode();
            InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream();
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            System.out.println("RESULT " + status + " " + body);
          } catch (IOException e) {
            System.out.println("FAILED " + e);
          }
        }
        printMetrics();
      }
      case "okhttp-queue" -> okHttpQueue(args[1]);
      default -> throw new IllegalArgumentException(args[0]);
    }
    System.out.flush();
    System.exit(0);
  }

  /** With an admin endpoint ({@code -Dinboard.admin-port}), prints its request counts as {@code METRIC} lines. */
  private static void printMetrics() throws IOException {
    String port = System.getProperty("inboard.admin-port");
    if (port == null) {
      return;
    }
    URL metrics = new URL("http://127.0.0.1:" + port + "/metrics");
    try (InputStream in = metrics.openStream()) {
      new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(line -> line.startsWith("istio_requests_total{"))
          .forEach(line -> System.out.println("METRIC " + line));
    }
  }

  private static void okHttpQueue(String url) throws Exception {
    OkHttpClient client = new OkHttpClient();
    client.dispatcher().setMaxRequestsPerHost(1);
    CountDownLatch enqueued = new CountDownLatch(1);
    HttpServlet servlet =
        new HttpServlet() {
          @Override
          protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            CompletableFuture<String> answer = new CompletableFuture<>();
            client.newCall(new Request.Builder().url(url + "?delay=800").build()).enqueue(into(answer));
            enqueued.countDown();
            resp.getWriter().println(answer.join());
          }
        };
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    context.addServlet(new ServletHolder(servlet), "/*");
    server.setHandler(context);
    server.start();

    // The inbound request, with a propagated header, from a thread of its own.
    Thread inbound =
        new Thread(() -> {
          try {
            HttpURLConnection c =
                (HttpURLConnection) new URL("http://127.0.0.1:" + connector.getLocalPort() + "/front").openConnection();
            c.setRequestProperty("my-header", "alice");
            System.out.println("INBOUND " + new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
          } catch (IOException e) {
            e.printStackTrace();
          }
        });
    inbound.start();
    if (!enqueued.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the inbound request never enqueued its call");
    }
    Thread.sleep(100);
    // A call made outside any request (a scheduled job, say): queued behind the request's call.
    // Its callback, run by the dispatcher thread that finished the request's call, makes a call of
    // its own: it carries the callback's context (none), not that request's.
    CompletableFuture<String> background = new CompletableFuture<>();
    CompletableFuture<String> nested = new CompletableFuture<>();
    client.newCall(new Request.Builder().url(url).build()).enqueue(new Callback() {
      @Override
      public void onFailure(Call call, IOException e) {
        background.complete("failed " + e);
        nested.complete("not made");
      }

      @Override
      public void onResponse(Call call, Response response) throws IOException {
        try (response) {
          background.complete(response.body().string().strip());
        }
        try (Response again = client.newCall(new Request.Builder().url(url).build()).execute()) {
          nested.complete(again.body().string().strip());
        } catch (IOException e) {
          nested.complete("failed " + e);
        }
      }
    });
    System.out.println("BACKGROUND " + background.get(30, TimeUnit.SECONDS));
    System.out.println("NESTED " + nested.get(30, TimeUnit.SECONDS));
    inbound.join(30_000);
    server.stop();
  }

  private static Callback into(CompletableFuture<String> answer) {
    return new Callback() {
      @Override
      public void onFailure(Call call, IOException e) {
        answer.complete("failed " + e);
      }

      @Override
      public void onResponse(Call call, Response response) throws IOException {
        try (response) {
          answer.complete(response.body().string().strip());
        }
      }
    };
  }
}
