package io.inboard.agent.weave;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** Stand-ins with the shapes of instrumented methods, and a loader that defines them woven. */
final class Fixtures {
  private Fixtures() {}

  /** Shaped like Jetty's {@code ServerConnector.open()}. */
  public static final class Connector {
    public boolean opened;

    public void open() {
      opened = true;
    }
  }

  /**
   * Shaped like the JDK's {@code HttpURLConnection.getInputStream0()}: returns the answer's stream
   * with its status set, or fails as {@code failure} says ({@code "io"}, {@code "runtime"}).
   */
  public static final class Exchange {
    public String failure;
    public int responseCode = -1;
    public int finallies;

    public InputStream getInputStream0() throws IOException {
      try {
        if ("io".equals(failure)) {
          throw new java.net.SocketTimeoutException("Read timed out");
        }
        if ("runtime".equals(failure)) {
          throw new IllegalStateException("broken");
        }
        responseCode = 200;
        return InputStream.nullInputStream();
      } finally {
        finallies++;
      }
    }
  }

  /**
   * Shaped like the JDK's {@code HttpURLConnection.plainConnect()}: a finally of its own (the
   * JDK's unlock) around a connect that fails for the first {@code refusals} calls.
   */
  public static final class Dialer {
    public int refusals;
    public int dials;
    public int unlocks;

    public void plainConnect() throws IOException {
      try {
        dials++;
        if (dials <= refusals) {
          throw new java.net.ConnectException("Connection refused (" + dials + ")");
        }
      } finally {
        unlocks++;
      }
    }
  }

  /** Shaped like the JDK's {@code HttpClientImpl.sendAsync}, with a branch of its own (own frames). */
  public static final class JdkClient {
    public HttpRequest sent;
    public CompletableFuture<Object> future;

    private <T> CompletableFuture<HttpResponse<T>> sendAsync(
        HttpRequest request,
        HttpResponse.BodyHandler<T> handler,
        HttpResponse.PushPromiseHandler<T> push,
        Executor executor) {
      sent = request;
      if (request.uri().getPath().isEmpty()) {
        throw new IllegalArgumentException("no path");
      }
      future = new CompletableFuture<>();
      @SuppressWarnings("unchecked")
      CompletableFuture<HttpResponse<T>> typed = (CompletableFuture<HttpResponse<T>>) (Object) future;
      return typed;
    }
  }

  /** {@code type}, woven with {@code advice}, defined by a loader of its own (everything else from ours). */
  static Class<?> load(Class<?> type, List<MethodAdvice> advice) throws IOException {
    byte[] original;
    try (InputStream in = type.getClassLoader().getResourceAsStream(type.getName().replace('.', '/') + ".class")) {
      original = in.readAllBytes();
    }
    byte[] woven = Weaver.weave(original, advice);
    if (woven == null) {
      throw new IllegalStateException("no method of " + type.getName() + " matched");
    }
    return new ClassLoader(Fixtures.class.getClassLoader()) {
      Class<?> define() {
        return defineClass(type.getName(), woven, 0, woven.length);
      }
    }.define();
  }
}
