package io.inboard.agent.instrument.outbound;

import io.inboard.agent.instrument.OutboundRouting.MirrorResult;
import io.inboard.core.route.Decision;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;

/**
 * Sends a rule's mirrors of a routed {@code java.net.http} call: for each mirror rolled, a copy of
 * the request as routed (propagated headers, path rewrite, header operations), to that mirror's
 * instance with {@code Host: <host>-shadow}, through the application's own client with
 * {@code sendAsync}; each answer is read to its end and dropped, so its connection goes back to the
 * client's pool. Nothing waits for them, and nothing about them reaches the application.
 */
final class JdkMirror {
  private static final String BYTE_ARRAY_PUBLISHER = "jdk.internal.net.http.RequestPublishers$ByteArrayPublisher";
  private static final String EMPTY_PUBLISHER = "jdk.internal.net.http.RequestPublishers$EmptyPublisher";

  private JdkMirror() {}

  /**
   * Sends the copies of {@code routed}, the first try of a call whose decision has mirrors: one per
   * mirror rolled. Never throws.
   */
  static void send(Mirrors mirrors, HttpClient client, RoutedHttpRequest routed) {
    try {
      boolean replayable = replayable(routed);
      for (Decision.Mirror mirror : routed.first.decision().actions().mirrors()) {
        if (!mirrors.reachable(mirror)) {
          continue;
        }
        if (!replayable) {
          mirrors.skipped(MirrorResult.BODY);
          continue;
        }
        send(mirrors, client, routed, mirror);
      }
    } catch (Throwable t) {
      mirrors.failed("jdk-httpclient.mirror", t);
    }
  }

  // The JDK's array publishers hand the same bytes to every subscriber: each copy may send them.
  private static void send(Mirrors mirrors, HttpClient client, RoutedHttpRequest routed, Decision.Mirror mirror) {
    if (!mirrors.tryStart()) {
      return;
    }
    try {
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
      mirrors.finished(MirrorResult.FAILED);
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
