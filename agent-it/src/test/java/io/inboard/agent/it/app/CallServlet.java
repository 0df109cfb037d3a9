package io.inboard.agent.it.app;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /call?client=C&on=T&n=N&target=URL}: makes N calls to URL (default
 * {@code http://user/echo}) with client C ({@code okhttp}, {@code okhttp-async}, {@code jdk},
 * {@code jdk-async}, {@code huc}; {@code huc-stream} reads the body before the status,
 * {@code huc-unread} disconnects without reading it, {@code huc-timeout} gives up after a 300 ms read
 * timeout) on thread T ({@code request}, {@code executor},
 * {@code scheduled}, {@code forkjoin}, {@code completable}), and answers one line per call:
 * {@code status=CODE BODY} or {@code error=MESSAGE}. {@code header=NAME:VALUE} makes the
 * application set that header itself on each call.
 */
final class CallServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient ExecutorService executor = Executors.newFixedThreadPool(4);
  private final transient ScheduledExecutorService scheduled = Executors.newScheduledThreadPool(2);
  private final transient ForkJoinPool forkJoin = new ForkJoinPool(2);
  private final transient Clients clients = new Clients();

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String client = param(request, "client", "okhttp");
    String on = param(request, "on", "request");
    int n = Integer.parseInt(param(request, "n", "1"));
    String target = param(request, "target", "http://user/echo");
    String header = request.getParameter("header");
    List<String> lines = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Callable<String> call = () -> clients.call(client, target, header);
      lines.add(run(on, call));
    }
    response.setContentType("text/plain");
    response.getWriter().write(String.join("\n", lines));
  }

  private String run(String on, Callable<String> call) {
    try {
      return switch (on) {
        case "request" -> call.call();
        case "executor" -> executor.submit(call).get(30, TimeUnit.SECONDS);
        case "scheduled" -> scheduled.schedule(call, 1, TimeUnit.MILLISECONDS).get(30, TimeUnit.SECONDS);
        case "forkjoin" -> forkJoin.submit(call).get(30, TimeUnit.SECONDS);
        case "completable" ->
            CompletableFuture.supplyAsync(
                    () -> {
                      try {
                        return call.call();
                      } catch (Exception e) {
                        throw new IllegalStateException(e);
                      }
                    })
                .get(30, TimeUnit.SECONDS);
        default -> throw new IllegalArgumentException("unknown thread choice " + on);
      };
    } catch (ExecutionException e) {
      return Clients.error(e.getCause());
    } catch (Exception e) {
      return Clients.error(e);
    }
  }

  private static String param(HttpServletRequest request, String name, String fallback) {
    String value = request.getParameter(name);
    return value == null || value.isEmpty() ? fallback : value;
  }
}
