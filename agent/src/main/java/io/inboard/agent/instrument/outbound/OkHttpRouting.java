package io.inboard.agent.instrument.outbound;

import io.inboard.core.propagation.PropagationContext;
import okhttp3.Callback;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * The OkHttp side of the outbound hook: adds the interceptor, tags calls with the context. One per
 * class loader that defines OkHttp: the agent's own for an OkHttp on the application's class path,
 * else a copy defined in OkHttp's loader (see {@code loader.LibraryClasses}), so public.
 */
public final class OkHttpRouting implements OkHttpHooks {
  private final MeshCalls calls;

  public OkHttpRouting(MeshCalls calls) {
    this.calls = calls;
  }

  /** Adds Inboard's interceptor once; a builder copied from a client ({@code newBuilder}) has it. */
  @Override
  public void building(Object candidate) {
    try {
      if (!(candidate instanceof OkHttpClient.Builder builder)) {
        return;
      }
      for (Interceptor interceptor : builder.interceptors()) {
        if (interceptor instanceof InboardInterceptor || interceptor == OkHttpMirror.Own.INSTANCE) {
          return; // routed already, or the agent's own client for mirrors
        }
      }
      // Last among the application's interceptors: it sees the headers they add.
      builder.addInterceptor(new InboardInterceptor(calls));
    } catch (Throwable t) {
      calls.routing().recordFailure("okhttp", t);
    }
  }

  /**
   * Tags a new call's request with the caller's context, so an {@code enqueue}d call, which runs
   * on OkHttp's dispatcher threads, still propagates the request's headers. A call made outside
   * any request is tagged too, with the empty context: a queued call is started by whichever
   * dispatcher thread finishes a call, and that thread may be carrying another request's context.
   * The tag never reaches the wire.
   */
  @Override
  public Object newCall(Object candidate) {
    try {
      if (!(candidate instanceof Request request)) {
        return candidate;
      }
      PropagationContext context = PropagationContext.current();
      if (request.tag(PropagationContext.class) != null) {
        return candidate;
      }
      return request.newBuilder().tag(PropagationContext.class, context).build();
    } catch (Throwable t) {
      calls.routing().recordFailure("okhttp", t);
      return candidate;
    }
  }

  /**
   * The callback of an {@code enqueue}d call, bound to the enqueuing thread's context: OkHttp runs
   * it on a dispatcher thread, and a call that waited in the dispatcher's queue is started by
   * whichever thread finished a call before it, carrying that call's request's context. Calls the
   * callback makes then propagate its own request's headers, never another request's.
   */
  @Override
  public Object enqueue(Object candidate) {
    try {
      if (!(candidate instanceof Callback callback) || candidate instanceof ContextCallback) {
        return candidate;
      }
      return new ContextCallback(callback, PropagationContext.current());
    } catch (Throwable t) {
      calls.routing().recordFailure("okhttp", t);
      return candidate;
    }
  }
}
