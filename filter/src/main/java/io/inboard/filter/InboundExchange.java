package io.inboard.filter;

import io.inboard.core.mesh.Workload;
import io.inboard.core.propagation.PropagationContext;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One inbound request between its arrival and its completion: the context captured from it, when it
 * started, and the single metrics record made when it ends — when the outermost dispatch returns, or
 * for an async request when the container completes it.
 */
final class InboundExchange implements AsyncListener {
  final PropagationContext context;
  private final long startNanos;
  private final FilterSettings settings;
  private final HttpServletResponse response;
  private final AtomicBoolean recorded = new AtomicBoolean();
  private final AtomicBoolean listening = new AtomicBoolean();

  InboundExchange(PropagationContext context, long startNanos, FilterSettings settings, HttpServletResponse response) {
    this.context = context;
    this.startNanos = startNanos;
    this.settings = settings;
    this.response = response;
  }

  /** Records the request's end on {@code async}'s completion; once, however often it is called. */
  void completeWith(AsyncContext async) {
    if (listening.compareAndSet(false, true)) {
      async.addListener(this);
    }
  }

  /** Records this request with {@code status}; only the first call counts. */
  void finish(int status) {
    if (!recorded.compareAndSet(false, true)) {
      return;
    }
    try {
      Workload self = settings.self();
      String service = self.service();
      String fqdn = service == null ? null : service + "." + self.namespace() + ".svc.cluster.local";
      settings
          .metrics()
          .record(
              new RequestSample(
                  "destination",
                  null,
                  null,
                  null,
                  service,
                  self.namespace(),
                  fqdn,
                  service,
                  self.namespace(),
                  self.labels().get("version"),
                  "http",
                  status,
                  null,
                  System.nanoTime() - startNanos));
    } catch (RuntimeException | LinkageError e) {
      settings.failures().accept("filter.metrics", e);
    }
  }

  @Override
  public void onComplete(AsyncEvent event) {
    finish(response.getStatus());
  }

  // Timeouts and errors end in onComplete (the container completes the request after them).
  @Override
  public void onTimeout(AsyncEvent event) {}

  @Override
  public void onError(AsyncEvent event) {}

  @Override
  public void onStartAsync(AsyncEvent event) {
    // A new async cycle (startAsync again after a dispatch) drops listeners: register again.
    event.getAsyncContext().addListener(this);
  }
}
