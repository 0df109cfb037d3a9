package io.inboard.agent.instrument.outbound;

/**
 * What the outbound hook asks of the OkHttp routing of one class loader (see {@link OkHttpRouting}).
 * Typed {@code Object}: this interface is shared by every loader's copy of the routing, and the
 * OkHttp types differ from one loader to the next. Each default leaves the call as it was.
 */
public interface OkHttpHooks {
  /** For an OkHttp its class loader cannot route: everything as the application made it. */
  OkHttpHooks NONE = new OkHttpHooks() {};

  /** A client is built from {@code builder}. */
  default void building(Object builder) {}

  /** A new call's request; returns the one to use. */
  default Object newCall(Object request) {
    return request;
  }

  /** An {@code enqueue}d call's callback; returns the one to give OkHttp. */
  default Object enqueue(Object callback) {
    return callback;
  }
}
