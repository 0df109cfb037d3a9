package io.inboard.agent.instrument.outbound;

import io.inboard.core.propagation.PropagationContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiPredicate;
import javax.net.ssl.SSLSession;

/**
 * Follows the redirects the mesh answers one {@code java.net.http} call with, as the client's own
 * redirect filter follows a server's: the mesh's answer never reaches that filter, while behind an
 * Envoy sidecar the client would have got the redirect from the network and followed it.
 *
 * <p>The client's rules: its {@code followRedirects()} policy ({@code NEVER}; {@code NORMAL}, not
 * from {@code https} to {@code http}; {@code ALWAYS}), 301, 302, 303, 307 and 308 only; the
 * {@code jdk.httpclient.redirects.retrylimit} (default 5) counted as the client counts it, so the
 * redirect that reaches the limit is the response; 303, and 301 and 302 of a {@code POST}, become a
 * {@code GET} without body, other redirects keep the method and body; the redirects followed are the
 * {@code previousResponse()} chain of the response given, without bodies. Where the JDK leaves
 * credentials behind on another origin ({@code Authorization}, {@code Cookie}, {@code Origin},
 * {@code Referer}), so does the follow-up. Each follow-up is routed by the mesh again (another rule,
 * another redirect, or out of the mesh) and sent through the application's client.
 */
final class JdkRedirects {
  /** The client's limit, read once as the client reads it. */
  private static final int MAX_REDIRECTS = Integer.getInteger("jdk.httpclient.redirects.retrylimit", 5);

  /** The headers the client drops from a redirect to another origin, on JDKs that do (not 17). */
  private static final Set<String> CROSS_ORIGIN_DROPPED = crossOriginDropped();

  private final JdkHttpRouting routing;
  private final JdkHttpRouting.Sender sender;
  private final PropagationContext context;
  private final HttpResponse.BodyHandler<?> handler;
  private int redirects;
  private HttpResponse<?> previous;

  private JdkRedirects(JdkHttpRouting routing, JdkHttpRouting.Sender sender, PropagationContext context,
      HttpResponse.BodyHandler<?> handler) {
    this.routing = routing;
    this.sender = sender.later();
    this.context = context;
    this.handler = handler;
  }

  /**
   * The redirects of a call sent with {@code sender} and read with {@code bodyHandler}, or
   * {@code null} when either is unknown (the redirect is then given, not followed).
   */
  static JdkRedirects of(JdkHttpRouting routing, JdkHttpRouting.Sender sender, PropagationContext context,
      Object bodyHandler) {
    return sender != null && bodyHandler instanceof HttpResponse.BodyHandler<?> handler
        ? new JdkRedirects(routing, sender, context, handler)
        : null;
  }

  /** The redirects followed so far, the last first, or {@code null}. */
  HttpResponse<?> previous() {
    return previous;
  }

  /**
   * Follows {@code answer}, the mesh's redirect of {@code request}: the future of the response at
   * the end, or {@code null} when the client would not follow it (it is then the response).
   */
  CompletableFuture<HttpResponse<?>> follow(HttpRequest request, MeshAnswer answer) {
    HttpRequest followUp;
    try {
      followUp = followUp(request, answer);
    } catch (RuntimeException e) {
      followUp = null; // a location the client cannot read: the redirect is the answer (fail open)
    }
    if (followUp == null) {
      return null;
    }
    previous = MeshAnsweredResponse.followed(request, answer, previous);
    Object next = routing.route(followUp, handler, sender, context, this);
    if (next instanceof CompletableFuture<?> given) {
      @SuppressWarnings("unchecked")
      CompletableFuture<HttpResponse<?>> response = (CompletableFuture<HttpResponse<?>>) given;
      return response; // the mesh's answer, or a delayed send: after these redirects already
    }
    if (next instanceof HttpRequest sent) {
      return after(sender.send(sent, handler));
    }
    return CompletableFuture.failedFuture((Throwable) next); // a RefusedCall: no handler, never here
  }

  /** {@code outcome}'s response, from the network, with the redirects followed before it. */
  CompletableFuture<HttpResponse<?>> after(CompletableFuture<HttpResponse<?>> outcome) {
    HttpResponse<?> before = previous;
    CompletableFuture<HttpResponse<?>> given = outcome.thenApply(response -> Followed.of(response, before));
    given.whenComplete((response, failure) -> {
      if (given.isCancelled()) {
        outcome.cancel(true);
      }
    });
    return given;
  }

  /** The request the client makes to follow {@code answer}, or {@code null} when it would not. */
  private HttpRequest followUp(HttpRequest request, MeshAnswer answer) {
    int status = answer.status();
    HttpClient.Redirect policy = sender.client().followRedirects();
    String location = answer.headers().get("Location");
    if (policy == HttpClient.Redirect.NEVER || location == null
        || !(status == 301 || status == 302 || status == 303 || status == 307 || status == 308)) {
      return null;
    }
    URI from = request.uri();
    URI to = from.resolve(URI.create(location));
    boolean allowed = policy == HttpClient.Redirect.ALWAYS
        || to.getScheme().equalsIgnoreCase(from.getScheme())
        || to.getScheme().equalsIgnoreCase("https");
    if (!allowed || ++redirects >= MAX_REDIRECTS) {
      return null;
    }
    String method = status == 303 || (request.method().equals("POST") && (status == 301 || status == 302))
        ? "GET"
        : request.method();
    boolean sameOrigin = to.getScheme().equalsIgnoreCase(from.getScheme())
        && String.valueOf(to.getRawAuthority()).equals(from.getRawAuthority());
    BiPredicate<String, String> kept = sameOrigin ? (name, value) -> true
        : (name, value) -> !CROSS_ORIGIN_DROPPED.contains(name);
    HttpRequest.Builder builder = HttpRequest.newBuilder(request, kept).uri(to);
    if (!method.equals(request.method()) || status == 303) {
      builder.GET(); // no body, as the client's own follow-up
    }
    return builder.build();
  }

  /** Completes {@code to} as {@code from} completes; cancelling {@code to} cancels {@code from}. */
  static void relay(CompletableFuture<? extends HttpResponse<?>> from, CompletableFuture<HttpResponse<?>> to) {
    from.whenComplete((response, failure) -> {
      if (failure != null) {
        to.completeExceptionally(failure);
      } else {
        to.complete(response);
      }
    });
    to.whenComplete((response, failure) -> {
      if (to.isCancelled()) {
        from.cancel(true);
      }
    });
  }

  private static Set<String> crossOriginDropped() {
    Set<String> dropped = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    try {
      // Present where the JDK filters a redirect's headers by origin (Java 25); absent on 17.
      Class.forName("jdk.internal.net.http.common.Utils").getField("ALLOWED_REDIRECT_HEADERS");
      dropped.addAll(Set.of("Authorization", "Cookie", "Origin", "Referer", "Host"));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      // This JDK keeps every header of the application's request.
    }
    return dropped;
  }

  /**
   * A response from the network after mesh redirects: the client's own response, with the
   * redirects followed before it at the end of its own previous responses (a server's redirects
   * the client followed itself, if any).
   */
  private record Followed<T>(HttpResponse<T> response, HttpResponse<T> before) implements HttpResponse<T> {
    @SuppressWarnings({"unchecked", "rawtypes"})
    static HttpResponse<?> of(HttpResponse<?> response, HttpResponse<?> before) {
      return before == null ? response : new Followed(response, before);
    }

    @Override
    public int statusCode() {
      return response.statusCode();
    }

    @Override
    public HttpRequest request() {
      return response.request();
    }

    @Override
    @SuppressWarnings("unchecked")
    public Optional<HttpResponse<T>> previousResponse() {
      return Optional.of(response.previousResponse()
          .map(own -> (HttpResponse<T>) Followed.of(own, before))
          .orElse(before));
    }

    @Override
    public HttpHeaders headers() {
      return response.headers();
    }

    @Override
    public T body() {
      return response.body();
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return response.sslSession();
    }

    @Override
    public URI uri() {
      return response.uri();
    }

    @Override
    public HttpClient.Version version() {
      return response.version();
    }
  }
}
