package io.inboard.filter;

import io.inboard.core.propagation.TraceHeaders;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The request as the application sees it behind the filter: a generated {@code x-request-id} shows
 * among its headers, and an async context started from it runs {@code AsyncContext.start} tasks with
 * the request's propagation context.
 */
final class InboundRequest extends HttpServletRequestWrapper {
  private final InboundExchange exchange;
  private final String generatedRequestId;

  InboundRequest(HttpServletRequest request, InboundExchange exchange) {
    super(request);
    this.exchange = exchange;
    this.generatedRequestId = exchange.generatedRequestId;
  }

  /**
   * Answers for the exchange, so that a filter further in (a second copy of Inboard's) or a forward
   * sees that this request is handled; the container's request is not written to on every request.
   */
  @Override
  public Object getAttribute(String name) {
    return InboardFilter.EXCHANGE_ATTRIBUTE.equals(name) ? exchange : super.getAttribute(name);
  }

  @Override
  public AsyncContext startAsync() {
    AsyncContext async = super.startAsync();
    exchange.completeWith(async);
    return new PropagatingAsyncContext(async, exchange.context);
  }

  @Override
  public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
    AsyncContext async = super.startAsync(request, response);
    exchange.completeWith(async);
    return new PropagatingAsyncContext(async, exchange.context);
  }

  @Override
  public AsyncContext getAsyncContext() {
    return new PropagatingAsyncContext(super.getAsyncContext(), exchange.context);
  }

  @Override
  public String getHeader(String name) {
    if (generatedRequestId != null && TraceHeaders.REQUEST_ID.equalsIgnoreCase(name)) {
      return generatedRequestId;
    }
    return super.getHeader(name);
  }

  @Override
  public Enumeration<String> getHeaders(String name) {
    if (generatedRequestId != null && TraceHeaders.REQUEST_ID.equalsIgnoreCase(name)) {
      return Collections.enumeration(List.of(generatedRequestId));
    }
    return super.getHeaders(name);
  }

  @Override
  public Enumeration<String> getHeaderNames() {
    if (generatedRequestId == null) {
      return super.getHeaderNames();
    }
    return new WithRequestId(super.getHeaderNames());
  }

  /** The container's header names, then {@code x-request-id}: no copy of the names per request. */
  private static final class WithRequestId implements Enumeration<String> {
    private final Enumeration<String> names;
    private boolean requestIdGiven;

    WithRequestId(Enumeration<String> names) {
      this.names = names;
    }

    @Override
    public boolean hasMoreElements() {
      return !requestIdGiven || names.hasMoreElements();
    }

    @Override
    public String nextElement() {
      if (names.hasMoreElements()) {
        return names.nextElement();
      }
      if (requestIdGiven) {
        throw new java.util.NoSuchElementException();
      }
      requestIdGiven = true;
      return TraceHeaders.REQUEST_ID;
    }
  }
}
