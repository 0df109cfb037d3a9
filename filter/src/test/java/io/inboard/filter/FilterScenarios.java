package io.inboard.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inboard.core.propagation.ContextStorage;
import io.inboard.core.propagation.PropagationContext;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The filter's behaviour in a real servlet container, written once and run against Jetty 12 (ee10)
 * and Tomcat 10.1. The filter is registered by class name with init-parameters, as in web.xml, and
 * mapped for every dispatcher type so that forwards, includes and async dispatches reach it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FilterScenarios {
  /** A started container; closing stops it. */
  interface Container extends AutoCloseable {
    int port();
  }

  static final Map<String, String> INIT_PARAMS =
      Map.of(
          "propagate", "my-header, Mode",
          "service", "user",
          "namespace", "traffic-management",
          "version", "v2",
          "metrics", RecordingMetrics.class.getName());

  /** Where the container sends errors: a 404, and a {@link PageException}. */
  static final String ERROR_PAGE = "/context?echo-request-id-header";

  /** Thrown by a servlet; the container shows {@link #ERROR_PAGE} for it. */
  static final class PageException extends RuntimeException {
    PageException(String message) {
      super(message);
    }
  }

  /**
   * Starts a container on 127.0.0.1, port 0, with the filter, these servlets by path and
   * {@link #ERROR_PAGE} as the error page for 404 and for {@link PageException}.
   */
  abstract Container start(Map<String, String> initParams, Map<String, HttpServlet> servlets) throws Exception;

  private final ThreadMapStorage storage = new ThreadMapStorage();
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private ContextStorage previousStorage;
  private Container container;

  @BeforeAll
  void startContainer() throws Exception {
    previousStorage = PropagationContext.storage();
    PropagationContext.useStorage(storage);
    Map<String, HttpServlet> servlets = new LinkedHashMap<>();
    servlets.put("/context", new ContextServlet());
    servlets.put("/async", new AsyncStartServlet());
    servlets.put("/async-dispatch", new AsyncDispatchServlet(false));
    servlets.put("/async-dispatch-unwrapped", new AsyncDispatchServlet(true));
    servlets.put("/forward", new DispatchServlet(false));
    servlets.put("/include", new DispatchServlet(true));
    servlets.put("/fail", new FailingServlet());
    servlets.put("/unavailable-for-a-while", new UnavailableServlet(30));
    servlets.put("/unavailable-for-good", new UnavailableServlet(-1));
    servlets.put("/async-dispatch-echo", new AsyncDispatchServlet(false, ERROR_PAGE));
    servlets.put("/second-cycle", new SecondCycleServlet());
    servlets.put("/not-here", new NotFoundServlet());
    servlets.put("/fail-to-page", new FailingToPageServlet());
    servlets.put("/form", new FormServlet());
    container = start(INIT_PARAMS, servlets);
  }

  @AfterAll
  void stopContainer() throws Exception {
    container.close();
    PropagationContext.useStorage(previousStorage);
  }

  @BeforeEach
  void clearSamples() {
    RecordingMetrics.SAMPLES.clear();
  }

  @AfterEach
  void noThreadKeepsAContext() {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(storage.slots).as("threads still holding a context").isEmpty());
  }

  @Test
  void theServletSeesThePropagatedHeadersOfItsRequestAndNoOthers() throws Exception {
    HttpResponse<String> response =
        get("/context", "my-header", "alice", "MODE", "dev", "authorization", "Bearer x", "x-request-id", "r-1");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("my-header=alice mode=dev x-request-id=r-1 authorization=null");
  }

  @Test
  void aRequestWithoutTheHeadersDoesNotInheritThemFromAnEarlierOne() throws Exception {
    get("/context", "my-header", "alice", "mode", "dev");
    HttpResponse<String> second = get("/context");
    assertThat(second.body()).startsWith("my-header=null mode=null x-request-id=");
  }

  @Test
  void aMissingRequestIdIsGeneratedAndVisibleToTheApplication() throws Exception {
    HttpResponse<String> response = get("/context?echo-request-id-header", "mode", "dev");
    String[] parts = response.body().split(" ");
    String inContext = parts[2].substring("x-request-id=".length());
    assertThat(inContext).matches("[0-9a-f-]{36}");
    assertThat(parts[4]).isEqualTo("header=" + inContext);
  }

  @Test
  void eachRequestIsMeasuredOnceAsTheDestination() throws Exception {
    get("/context", "mode", "dev");
    RequestSample sample = awaitOneSample();
    assertThat(sample.reporter()).isEqualTo("destination");
    assertThat(sample.responseCode()).isEqualTo(200);
    assertThat(sample.destinationService()).isEqualTo("user.traffic-management.svc.cluster.local");
    assertThat(sample.destinationVersion()).isEqualTo("v2");
    assertThat(sample.sourceWorkload()).isEqualTo("unknown");
    assertThat(sample.durationNanos()).isPositive();
  }

  @Test
  void forwardIsMeasuredOnceAndKeepsTheContext() throws Exception {
    HttpResponse<String> response = get("/forward", "my-header", "bob");
    assertThat(response.body()).startsWith("my-header=bob mode=null");
    awaitOneSample();
  }

  @Test
  void includeIsMeasuredOnceAndKeepsTheContext() throws Exception {
    HttpResponse<String> response = get("/include", "my-header", "carol");
    assertThat(response.body()).startsWith("included: my-header=carol mode=null");
    awaitOneSample();
  }

  @Test
  void asyncStartRunsTheTaskWithTheRequestsContextAndMeasuresOnCompletion() throws Exception {
    HttpResponse<String> response = get("/async", "my-header", "dave", "mode", "dev");
    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.body()).isEqualTo("async: my-header=dave mode=dev");
    RequestSample sample = awaitOneSample();
    assertThat(sample.responseCode()).isEqualTo(202);
    assertThat(sample.durationNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
  }

  @Test
  void anAsyncDispatchRunsWithTheRequestsContextAndIsMeasuredOnce() throws Exception {
    HttpResponse<String> response = get("/async-dispatch", "my-header", "erin");
    assertThat(response.body()).startsWith("my-header=erin mode=null");
    awaitOneSample();
  }

  @Test
  void anAsyncDispatchStartedOnTheContainersOwnRequestStillRunsWithTheRequestsContext() throws Exception {
    // The application reaches past every wrapper (the filter's included) to start async.
    HttpResponse<String> response = get("/async-dispatch-unwrapped", "my-header", "frank");
    assertThat(response.body()).startsWith("my-header=frank mode=null");
    awaitOneSample();
  }

  @Test
  void aFailingServletIsMeasuredAsA500() throws Exception {
    HttpResponse<String> response = get("/fail", "mode", "dev");
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(awaitOneSample().responseCode()).isEqualTo(500);
  }

  /**
   * The servlet spec has the container answer a servlet's {@code UnavailableException} with 503
   * (for a while) or 404 (for good), and each container does; the metric must say the same.
   */
  @Test
  void aServletUnavailableForAWhileIsMeasuredAsTheContainersAnswer() throws Exception {
    HttpResponse<String> response = get("/unavailable-for-a-while", "mode", "dev");
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(awaitOneSample().responseCode()).isEqualTo(503);
  }

  @Test
  void aServletUnavailableForGoodIsMeasuredAsTheContainersAnswer() throws Exception {
    HttpResponse<String> response = get("/unavailable-for-good", "mode", "dev");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(awaitOneSample().responseCode()).isEqualTo(404);
  }

  @Test
  void theGeneratedRequestIdIsVisibleAfterAnAsyncDispatch() throws Exception {
    HttpResponse<String> response = get("/async-dispatch-echo", "mode", "dev");
    String[] parts = response.body().split(" ");
    String inContext = parts[2].substring("x-request-id=".length());
    assertThat(inContext).matches("[0-9a-f-]{36}");
    assertThat(parts[4]).isEqualTo("header=" + inContext);
    awaitOneSample();
  }

  @Test
  void aSecondAsyncCycleStillRunsItsTasksWithTheRequestsContext() throws Exception {
    HttpResponse<String> response = get("/second-cycle", "my-header", "gina");
    assertThat(response.body()).startsWith("my-header=gina");
    awaitOneSample();
  }

  @Test
  void anErrorPageAfterSendErrorRunsWithTheRequestsContextAndIsMeasuredOnce() throws Exception {
    HttpResponse<String> response = get("/not-here", "my-header", "hana");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).startsWith("my-header=hana mode=null x-request-id=");
    String[] parts = response.body().split(" ");
    assertThat(parts[2].substring("x-request-id=".length())).matches("[0-9a-f-]{36}");
    assertThat(parts[4]).isEqualTo(parts[2].replace("x-request-id=", "header="));
    assertThat(awaitOneSample().responseCode()).isEqualTo(404);
  }

  @Test
  void anErrorPageAfterAnExceptionRunsWithTheRequestsContextAndIsMeasuredOnce() throws Exception {
    HttpResponse<String> response = get("/fail-to-page", "my-header", "ida", "x-request-id", "r-2");
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).isEqualTo("my-header=ida mode=null x-request-id=r-2 authorization=null header=r-2");
    assertThat(awaitOneSample().responseCode()).isEqualTo(500);
  }

  RequestSample awaitOneSample() {
    await().atMost(Duration.ofSeconds(10)).until(() -> !RecordingMetrics.SAMPLES.isEmpty());
    // Give a double count the chance to show up before asserting there is none.
    await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(RecordingMetrics.SAMPLES).hasSize(1);
    return RecordingMetrics.SAMPLES.get(0);
  }

  /** {@code path} on the running container. */
  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + container.port() + path);
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + container.port() + path))
            .timeout(Duration.ofSeconds(20));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String describeContext() {
    PropagationContext context = PropagationContext.current();
    return "my-header="
        + context.get("my-header")
        + " mode="
        + context.get("mode")
        + " x-request-id="
        + context.get("x-request-id")
        + " authorization="
        + context.get("authorization");
  }

  static final class ContextServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      String body = describeContext();
      if (request.getQueryString() != null && request.getQueryString().contains("echo-request-id-header")) {
        body += " header=" + request.getHeader("X-Request-ID");
      }
      response.getWriter().write(body);
    }
  }

  static final class DispatchServlet extends HttpServlet {
    private final boolean include;

    DispatchServlet(boolean include) {
      this.include = include;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException, ServletException {
      if (include) {
        response.getWriter().write("included: ");
        request.getRequestDispatcher("/context").include(request, response);
      } else {
        request.getRequestDispatcher("/context").forward(request, response);
      }
    }
  }

  static final class AsyncStartServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) {
      AsyncContext async = request.startAsync();
      async.start(
          () -> {
            try {
              Thread.sleep(50);
              HttpServletResponse asyncResponse = (HttpServletResponse) async.getResponse();
              asyncResponse.setStatus(202);
              asyncResponse.getWriter().write("async: " + describeContext().split(" x-request-id")[0]);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            } finally {
              async.complete();
            }
          });
    }
  }

  static final class AsyncDispatchServlet extends HttpServlet {
    private final boolean unwrapped;
    private final String path;

    AsyncDispatchServlet(boolean unwrapped) {
      this(unwrapped, "/context");
    }

    AsyncDispatchServlet(boolean unwrapped, String path) {
      this.unwrapped = unwrapped;
      this.path = path;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) {
      ServletRequest target = request;
      while (unwrapped && target instanceof ServletRequestWrapper wrapper) {
        target = wrapper.getRequest();
      }
      AsyncContext async = target.startAsync();
      async.start(() -> async.dispatch(path));
    }
  }

  static final class FailingServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws ServletException {
      throw new ServletException("the application failed");
    }
  }

  /** Throws {@code UnavailableException}: for {@code seconds}, or for good when negative. */
  static final class UnavailableServlet extends HttpServlet {
    private final int seconds;

    UnavailableServlet(int seconds) {
      this.seconds = seconds;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws ServletException {
      throw seconds < 0
          ? new jakarta.servlet.UnavailableException("gone")
          : new jakarta.servlet.UnavailableException("down for a while", seconds);
    }
  }

  /** Starts async, dispatches, and in the async dispatch starts async again and runs a task. */
  static final class SecondCycleServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) {
      if (request.getDispatcherType() == DispatcherType.REQUEST) {
        AsyncContext async = request.startAsync();
        async.start(async::dispatch);
        return;
      }
      AsyncContext again = request.startAsync();
      again.start(
          () -> {
            try {
              again.getResponse().getWriter().write(describeContext());
            } catch (IOException e) {
              throw new IllegalStateException(e);
            } finally {
              again.complete();
            }
          });
    }
  }

  static final class NotFoundServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      response.sendError(404);
    }
  }

  static final class FailingToPageServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) {
      throw new PageException("shown on the error page");
    }
  }

  static final class FormServlet extends HttpServlet {
    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
      response.getWriter().write("name=" + request.getParameter("name"));
    }
  }
}
