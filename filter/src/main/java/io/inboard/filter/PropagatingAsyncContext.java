package io.inboard.filter;

import io.inboard.core.propagation.PropagationContext;
import io.inboard.core.propagation.Scope;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

/**
 * The container's {@link AsyncContext}, except that {@link #start(Runnable)} runs the task with the
 * request's propagation context attached (and detached after), on whatever container thread runs it.
 */
final class PropagatingAsyncContext implements AsyncContext {
  private final AsyncContext delegate;
  private final PropagationContext context;

  PropagatingAsyncContext(AsyncContext delegate, PropagationContext context) {
    this.delegate = delegate;
    this.context = context;
  }

  @Override
  public void start(Runnable task) {
    delegate.start(
        () -> {
          try (Scope ignored = PropagationContext.attach(context)) {
            task.run();
          }
        });
  }

  @Override
  public ServletRequest getRequest() {
    return delegate.getRequest();
  }

  @Override
  public ServletResponse getResponse() {
    return delegate.getResponse();
  }

  @Override
  public boolean hasOriginalRequestAndResponse() {
    return delegate.hasOriginalRequestAndResponse();
  }

  @Override
  public void dispatch() {
    delegate.dispatch();
  }

  @Override
  public void dispatch(String path) {
    delegate.dispatch(path);
  }

  @Override
  public void dispatch(ServletContext context, String path) {
    delegate.dispatch(context, path);
  }

  @Override
  public void complete() {
    delegate.complete();
  }

  @Override
  public void addListener(AsyncListener listener) {
    delegate.addListener(listener);
  }

  @Override
  public void addListener(AsyncListener listener, ServletRequest request, ServletResponse response) {
    delegate.addListener(listener, request, response);
  }

  @Override
  public <T extends AsyncListener> T createListener(Class<T> type) throws ServletException {
    return delegate.createListener(type);
  }

  @Override
  public void setTimeout(long timeout) {
    delegate.setTimeout(timeout);
  }

  @Override
  public long getTimeout() {
    return delegate.getTimeout();
  }
}
