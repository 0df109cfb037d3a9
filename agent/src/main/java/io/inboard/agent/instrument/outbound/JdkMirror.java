package io.inboard.agent.instrument.outbound;

import io.inboard.agent.instrument.OutboundRouting.MirrorResult;
import io.inboard.core.route.Decision;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;

/**
 * Sends a rule's mirror of a routed {@code java.net.http} call: a copy of the request as routed
 * (propagated headers, path rewrite, header operations), to the mirror's instance with
 * {@code Host: <host>-shadow}, through the application's own client with {@code sendAsync}; the
 * answer is read to its end and dropped, so its connection goes back to the client's pool. Nothing
 * waits for it, and nothing about it reaches the application.
 */
final class JdkMirror {
  private static final String BYTE_ARRAY_PUBLISHER = "jdk.internal.net.http.RequestPublishers$ByteArrayPublisher";
  private static final String EMPTY_PUBLISHER = "jdk.internal.net.http.RequestPublishers$EmptyPublisher";

  private JdkMirror() {}

  /** Sends the copy of {@code routed}, the first try of a call whose decision has a mirror. Never throws. */
  static void send(Mirrors mirrors, HttpClient client, RoutedHttpRequest routed) {
    boolean started = false;
    try {
      Decision.Mirror mirror = mirrors.target(routed.first);
      if (mirror == null) {
        return;
      }
      if (!replayable(routed)) {
        mirrors.skipped(MirrorResult.BODY);
        return;
      }
      if (!mirrors.tryStart()) {
        return;
      }
      started = true;
      URI uri = routed.uri();
      HttpRequest copy = HttpRequest.newBuilder(routed, (name, value) -> !"host".equalsIgnoreCase(name))
          .uri(JdkHttpRouting.target(
              mirror.instance().address(), mirror.instance().port(), uri.getRawPath(), uri.getRawQuery()))
          .setHeader("Host", Decision.Mirror.shadowAuthority(routed.first.hostHeader()))
          .timeout(Mirrors.timeout(routed.first))
          .build();
      client.sendAsync(new MirrorHttpRequest(copy), HttpResponse.BodyHandlers.discarding())
          .whenComplete((response, error) ->
              mirrors.finished(error == null ? MirrorResult.ANSWERED : MirrorResult.FAILED));
    } catch (Throwable t) {
      if (started) {
        mirrors.finished(MirrorResult.FAILED);
      }
      mirrors.failed("jdk-httpclient.mirror", t);
    }
  }

  /**
   * Whether the request's body can be sent a second time without running any of the application's
   * code: none, or one of the JDK's own array publishers ({@code ofString}, {@code ofByteArray},
   * {@code noBody}), which hand out the same bytes to every subscriber, of at most
   * {@link Mirrors#MAX_BODY_BYTES}. Any other publisher (a stream, a file, the application's own) is
   * not copied.
   */
  static boolean replayable(HttpRequest request) {
    Optional<HttpRequest.BodyPublisher> body = request.bodyPublisher();
    if (body.isEmpty()) {
      return true;
    }
    HttpRequest.BodyPublisher publisher = body.get();
    if (publisher.contentLength() > Mirrors.MAX_BODY_BYTES) {
      return false;
    }
    for (Class<?> type = publisher.getClass(); type != null; type = type.getSuperclass()) {
      String name = type.getName();
      if (name.equals(BYTE_ARRAY_PUBLISHER) || name.equals(EMPTY_PUBLISHER)) {
        return true;
      }
    }
    return false;
  }
}
