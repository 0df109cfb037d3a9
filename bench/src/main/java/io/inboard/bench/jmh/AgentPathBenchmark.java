package io.inboard.bench.jmh;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the agent costs one request, measured in one JVM, away from the whole path's eleven
 * processes on two cores: a frontend (Jetty, in-memory connector) whose servlet calls a user
 * service (Jetty on 127.0.0.1, keep-alive) through OkHttp, as the demo frontend does.
 *
 * <p>{@code bench/agent-path.sh} runs it without the agent, then with it attached
 * ({@code -javaagent}, standalone rules: the walk-through's 90/10 canary of {@code user}, both
 * instances at this user service's port). With the agent, each request goes through its inbound
 * filter twice (frontend and user), its routing and request rewrite once, and its metrics three
 * times: the work the three agents of the whole path do for one request, in one place. The
 * difference between the two runs is that work, and the allocation it adds.
 *
 * <p>System properties: {@code bench.userPort} (the user service's port, fixed so the rules file
 * can name it), {@code bench.downstream} (the URL the frontend calls: {@code http://user/list} with
 * the agent, the instance itself without), {@code bench.expectHost} (the {@code Host} the user
 * service must see, checked once at set-up: {@code user} proves the agent routed the call).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AgentPathBenchmark {
  private static final String REQUEST =
      "GET /front HTTP/1.1\r\nHost: frontend\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n";

  private Server user;
  private Server frontend;
  private LocalConnector local;
  /** One keep-alive connection to the frontend, as the load generator keeps in the whole path. */
  private LocalConnector.LocalEndPoint connection;
  private OkHttpClient client;

  @Setup
  public void start() throws Exception {
    user = new Server();
    ServerConnector connector = new ServerConnector(user);
    connector.setHost("127.0.0.1");
    connector.setPort(Integer.getInteger("bench.userPort", 0));
    user.addConnector(connector);
    ServletContextHandler userContext = new ServletContextHandler();
    userContext.addServlet(new ServletHolder(new UserServlet()), "/list");
    user.setHandler(userContext);
    user.start();

    String downstream =
        System.getProperty("bench.downstream", "http://127.0.0.1:" + connector.getLocalPort() + "/list");
    client =
        new OkHttpClient.Builder()
            .connectionPool(new ConnectionPool(64, 20, TimeUnit.SECONDS))
            .retryOnConnectionFailure(false)
            .build();
    frontend = new Server();
    local = new LocalConnector(frontend);
    frontend.addConnector(local);
    ServletContextHandler frontendContext = new ServletContextHandler();
    frontendContext.addServlet(new ServletHolder(new FrontendServlet(client, downstream)), "/front");
    frontend.setHandler(frontendContext);
    frontend.start();
    connection = local.connect();

    String first = send();
    String expectHost = System.getProperty("bench.expectHost");
    if (!first.startsWith("HTTP/1.1 200") || !first.contains("user answered")
        || (expectHost != null && !first.contains("host=" + expectHost + ";"))) {
      throw new IllegalStateException(
          "the frontend did not reach the user service as expected (host " + expectHost + "):\n" + first);
    }
  }

  @TearDown
  public void stop() throws Exception {
    frontend.stop();
    user.stop();
    client.connectionPool().evictAll();
    client.dispatcher().executorService().shutdown();
  }

  /**
   * The CPU the whole JVM used per request, beside JMH's wall time: a request crosses several
   * threads (the connectors', OkHttp's reader), so on two cores its wall time is mostly waiting for
   * them to wake, and CPU is what an agent adds. User and system time apart: more than half of it
   * is the kernel's (about ten thread switches per request), which moves by more from run to run
   * than the agent costs, while the agent's own work is user time. Read from {@code /proc/self/stat}
   * every 128 requests, with the number of requests at that moment, so the two counters always
   * match whenever JMH reads them; the report divides them.
   */
  @AuxCounters(AuxCounters.Type.EVENTS)
  @State(Scope.Thread)
  public static class ProcessCpu {
    /** Linux's clock ticks are 1/100 s for every process ({@code USER_HZ}). */
    private static final long MICROS_PER_TICK = 10_000;

    public long userMicros;
    public long systemMicros;
    public long requests;
    private long count;
    private long[] start;

    @Setup(Level.Iteration)
    public void begin() throws IOException {
      userMicros = 0;
      systemMicros = 0;
      requests = 0;
      count = 0;
      start = ticks();
    }

    void requestDone() throws IOException {
      if ((++count & 127) == 0) {
        long[] now = ticks();
        userMicros = (now[0] - start[0]) * MICROS_PER_TICK;
        systemMicros = (now[1] - start[1]) * MICROS_PER_TICK;
        requests = count;
      }
    }

    /** utime and stime of this process, fields 14 and 15 of {@code /proc/self/stat}. */
    private static long[] ticks() throws IOException {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])};
    }
  }

  /** One request to the frontend, which calls the user service once. */
  @Benchmark
  public String request(ProcessCpu cpu) throws Exception {
    String response = send();
    cpu.requestDone();
    return response;
  }

  private String send() throws Exception {
    connection.addInputAndExecute(REQUEST);
    return connection.getResponse();
  }

  private static void writeJson(HttpServletResponse response, byte[] body) throws IOException {
    response.setContentType("application/json");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  /** Answers with the Host it was called with, so set-up can tell a routed call from a direct one. */
  static final class UserServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      String host = request.getHeader("Host");
      int colon = host == null ? -1 : host.indexOf(':');
      byte[] body = ("{\"user answered\": \"host=" + (colon < 0 ? host : host.substring(0, colon))
          + ";\", \"users\": [\"Alice Smith\", \"Bob Jones\", \"Carol Lee\"]}").getBytes(StandardCharsets.UTF_8);
      writeJson(response, body);
    }
  }

  /** Calls the user service through OkHttp and returns what it answered. */
  static final class FrontendServlet extends HttpServlet {
    private final OkHttpClient client;
    private final String downstream;

    FrontendServlet(OkHttpClient client, String downstream) {
      this.client = client;
      this.downstream = downstream;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      try (Response answer = client.newCall(new Request.Builder().url(downstream).build()).execute()) {
        response.setStatus(answer.code());
        writeJson(response, answer.body().bytes());
      }
    }
  }
}
