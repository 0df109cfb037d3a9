package io.inboard.agent.instrument.outbound;

import io.inboard.agent.instrument.OutboundRouting.MirrorResult;
import io.inboard.core.route.Decision;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import okhttp3.Authenticator;
import okhttp3.Call;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.Dispatcher;
import okhttp3.EventListener;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okhttp3.internal.connection.RealCall;
import okio.Buffer;
import okio.BufferedSink;

/**
 * Sends a rule's mirrors of a routed OkHttp call: for each mirror rolled, a copy of the request as
 * routed (propagated headers, path rewrite, header operations), to that mirror's instance with
 * {@code Host: <host>-shadow}, on a mirror thread ({@link Mirrors#run}); each answer is read to its
 * end and dropped, so its connection goes back to the pool.
 *
 * <p>The copy goes through a client derived once from the application's: the same connection pool,
 * proxy, DNS, socket factories, TLS settings and timeouts, but none of the application's
 * interceptors (they ran already, the copy is made from what they produced), event listener, cache,
 * authenticator or redirects, and a cookie jar that is read but never written: the application
 * sees nothing of the copy or its answer.
 */
final class OkHttpMirror {
  /** Application clients and the clients derived from them; weak keys, so neither outlives the application's. */
  private final Map<OkHttpClient, OkHttpClient> derived = Collections.synchronizedMap(new WeakHashMap<>());
  private final Mirrors mirrors;

  OkHttpMirror(Mirrors mirrors) {
    this.mirrors = mirrors;
  }

  /**
   * Sends the copies of {@code routed}, a call of {@code call} whose decision has mirrors: one per
   * mirror rolled, each on its own place and thread. Never throws.
   */
  void send(Call call, Request routed, CallPlan.Routed plan) {
    try {
      List<Decision.Mirror> targets = plan.decision().actions().mirrors();
      RequestBody body = routed.body();
      boolean replayable = replayable(body);
      Request request = replayable && body != null && targets.size() > 1
          ? routed.newBuilder().method(routed.method(), new SharedBody(body)).build()
          : routed;
      OkHttpClient client = null;
      for (Decision.Mirror mirror : targets) {
        if (!mirrors.reachable(mirror)) {
          continue;
        }
        if (!replayable) {
          mirrors.skipped(MirrorResult.BODY);
          continue;
        }
        if (client == null) {
          // RealCall is OkHttp's only Call (4.x and 5.x); the interceptor chain exposes no client.
          client = derivedFrom(((RealCall) call).getClient());
        }
        send(client, request, plan, mirror);
      }
    } catch (Throwable t) {
      mirrors.failed("okhttp.mirror", t);
    }
  }

  private void send(OkHttpClient client, Request routed, CallPlan.Routed plan, Decision.Mirror mirror) {
    HttpUrl url = routed.url().newBuilder().host(mirror.instance().address()).port(mirror.instance().port()).build();
    Request copy = routed.newBuilder()
        .url(url)
        .header("Host", Decision.Mirror.shadowAuthority(plan.hostHeader()))
        .build();
    long timeoutMillis = Math.max(1, Mirrors.timeout(plan).toMillis());
    mirrors.run(() -> exchange(client, copy, timeoutMillis));
  }

  /**
   * Whether a body can be written a second time: none, or one that OkHttp itself would write again
   * (not one-shot, not duplex) of a known length up to {@link Mirrors#MAX_BODY_BYTES}. The copy's
   * body is written after the call's own (see {@link InboardInterceptor}), never at the same time.
   */
  static boolean replayable(RequestBody body) throws IOException {
    if (body == null) {
      return true;
    }
    long length = body.contentLength();
    return !body.isOneShot() && !body.isDuplex() && length >= 0 && length <= Mirrors.MAX_BODY_BYTES;
  }

  private void exchange(OkHttpClient client, Request copy, long timeoutMillis) {
    MirrorResult result = MirrorResult.FAILED;
    try {
      Call call = client.newCall(copy);
      call.timeout().timeout(timeoutMillis, TimeUnit.MILLISECONDS);
      try (Response response = call.execute()) {
        result = MirrorResult.ANSWERED;
        ResponseBody body = response.body();
        if (body != null) {
          body.byteStream().transferTo(OutputStream.nullOutputStream());
        }
      }
    } catch (IOException e) {
      // No answer, or it broke off while being read: nobody is waiting for it.
    } catch (Throwable t) {
      mirrors.failed("okhttp.mirror", t);
    } finally {
      mirrors.finished(result);
    }
  }

  private OkHttpClient derivedFrom(OkHttpClient application) {
    OkHttpClient client = derived.get(application);
    if (client == null) {
      OkHttpClient.Builder builder = application.newBuilder();
      builder.interceptors().clear();
      builder.networkInterceptors().clear();
      client = builder
          .addInterceptor(Own.INSTANCE)
          .dispatcher(new Dispatcher())
          .eventListener(EventListener.NONE)
          .cache(null)
          .authenticator(Authenticator.NONE)
          .followRedirects(false)
          .followSslRedirects(false)
          .retryOnConnectionFailure(false)
          .cookieJar(new ReadOnlyCookies(application.cookieJar()))
          .build();
      derived.put(application, client);
    }
    return client;
  }

  /**
   * The one interceptor of a client derived for mirrors: marks it as the agent's own, so that the
   * agent adds no routing interceptor to it ({@link OkHttpRouting#building}); the copy goes out as built.
   */
  enum Own implements Interceptor {
    INSTANCE;

    @Override
    public Response intercept(Chain chain) throws IOException {
      return chain.proceed(chain.request());
    }
  }

  /**
   * One call's body for several copies: the application's body is written once, into memory, by
   * whichever copy comes first (under a lock), and every copy sends those bytes; so the
   * application's body is never written by two threads at once, as with a single copy. It is at
   * most {@link Mirrors#MAX_BODY_BYTES} long ({@link #replayable}).
   */
  private static final class SharedBody extends RequestBody {
    private final RequestBody body;
    private byte[] bytes;

    SharedBody(RequestBody body) {
      this.body = body;
    }

    @Override
    public MediaType contentType() {
      return body.contentType();
    }

    @Override
    public long contentLength() throws IOException {
      return body.contentLength();
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      sink.write(bytes());
    }

    private synchronized byte[] bytes() throws IOException {
      if (bytes == null) {
        Buffer buffer = new Buffer();
        body.writeTo(buffer);
        bytes = buffer.readByteArray();
      }
      return bytes;
    }
  }

  /** The application's cookies go out on the copy; the mirror's answer sets none. */
  private record ReadOnlyCookies(CookieJar jar) implements CookieJar {
    @Override
    public void saveFromResponse(HttpUrl url, List<Cookie> cookies) {}

    @Override
    public List<Cookie> loadForRequest(HttpUrl url) {
      return jar.loadForRequest(url);
    }
  }
}
