package io.inboard.agent.instrument.outbound;

import io.inboard.core.propagation.PropagationContext;
import io.inboard.core.propagation.Scope;
import java.io.IOException;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Response;

/**
 * The application's OkHttp {@link Callback}, run with the context of the thread that enqueued its
 * call (see {@link OkHttpRouting#enqueue}); the dispatcher thread's own context is put back after.
 * Whatever the callback throws reaches OkHttp unchanged.
 */
final class ContextCallback implements Callback {
  private final Callback application;
  private final PropagationContext context;

  ContextCallback(Callback application, PropagationContext context) {
    this.application = application;
    this.context = context;
  }

  @Override
  public void onFailure(Call call, IOException e) {
    try (Scope ignored = PropagationContext.attach(context)) {
      application.onFailure(call, e);
    }
  }

  @Override
  public void onResponse(Call call, Response response) throws IOException {
    try (Scope ignored = PropagationContext.attach(context)) {
      application.onResponse(call, response);
    }
  }

  @Override
  public String toString() {
    return application.toString();
  }
}
