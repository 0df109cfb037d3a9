package io.inboard.core.model;

import java.time.Duration;

/** Istio's {@code HTTPFaultInjection}: a delay and/or an abort, each {@code null} when absent. */
public record HTTPFaultInjection(Delay delay, Abort abort) {

  /**
   * Wait {@code fixedDelay} before forwarding, for {@code percentage} of requests. As in Istio, a
   * {@code null} percentage means no request is affected.
   */
  public record Delay(Duration fixedDelay, Percent percentage) {}

  /**
   * Answer {@code httpStatus} instead of forwarding, for {@code percentage} of requests ({@code
   * null}: none). An abort given as Istio's {@code grpcStatus} has that code in {@code grpcStatus} and,
   * as {@code httpStatus}, the HTTP status Envoy maps it to (what a client that is not gRPC gets);
   * {@code grpcStatus} is -1 for an {@code httpStatus} abort.
   */
  public record Abort(int httpStatus, int grpcStatus, Percent percentage) {
    /** An {@code httpStatus} abort. */
    public Abort(int httpStatus, Percent percentage) {
      this(httpStatus, -1, percentage);
    }

    /** A {@code grpcStatus} abort with {@code code}. */
    public static Abort grpc(int code, Percent percentage) {
      return new Abort(GrpcStatus.toHttp(code), code, percentage);
    }
  }
}
