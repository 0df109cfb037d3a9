package io.inboard.agent.instrument.outbound;

import io.inboard.core.propagation.PropagationContext;
import java.lang.ref.WeakReference;
import java.net.HttpURLConnection;
import java.util.function.UnaryOperator;

/**
 * The router's header look-up on an {@code HttpURLConnection} call: the application's own request
 * property, else the propagated context's value. It refers to the connection weakly: the call's
 * record, kept until the status is known, must not keep a connection the application dropped from
 * being collected (and its circuit-breaker slot given back, see {@link UrlConnectionSlot}).
 */
final class UrlConnectionHeaders extends WeakReference<HttpURLConnection> implements UnaryOperator<String> {
  private final PropagationContext context;

  UrlConnectionHeaders(HttpURLConnection connection, PropagationContext context) {
    super(connection);
    this.context = context;
  }

  @Override
  public String apply(String name) {
    HttpURLConnection connection = get();
    String value = connection == null ? null : connection.getRequestProperty(name);
    return value != null ? value : context.get(name);
  }
}
