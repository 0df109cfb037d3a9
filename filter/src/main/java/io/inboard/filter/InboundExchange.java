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
  /** The x-request-id the filter gave the request, or null when it came with one (or none is made). */
  final String generatedRequestId;
  private final long startNanos;
  private final FilterSettings settings;
  private final HttpServletResponse response;
  private final AtomicBoolean recorded = new AtomicBoolean();
  private final AtomicBoolean listening = new AtomicBoolean();

  InboundExchange(
      PropagationContext context,
      String generatedRequestId,
      long startNanos,
      FilterSettings settings,
      HttpServletResponse response) {
    this.context = context;
    this.generatedRequestId = generatedRequestId;
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
      settings.metrics().record(series(settings.self()), status, System.nanoTime() - startNanos);
    } catch (RuntimeException | LinkageError e) {
      settings.failures().accept("filter.metrics", e);
    }
  }

  /** The inbound series of the workload seen last, built once rather than per request. */
  private record InboundSeries(Workload self, RequestSample sample) {}

  private static volatile InboundSeries lastSeries;

  /**
   * This workload's inbound metric labels. Built once per workload, so that every request's sample
   * holds the same label strings: the metrics look each sample's series up in a map, and strings
   * concatenated afresh per request would be hashed and compared character by character.
   */
  static RequestSample series(Workload self) {
    InboundSeries last = lastSeries;
    if (last == null || last.self() != self) {
      String service = self.service();
      String fqdn = service == null ? null : service + "." + self.namespace() + ".svc.cluster.local";
      last =
          new InboundSeries(
              self,
              new RequestSample(
                  "destination", null, null, null, service, self.namespace(), fqdn, service, self.namespace(),
                  self.labels().get("version"), "http", 0, null, 0));
      lastSeries = last;
    }
    return last.sample();
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
