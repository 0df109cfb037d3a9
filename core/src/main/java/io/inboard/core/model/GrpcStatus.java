package io.inboard.core.model;

import java.util.List;
import java.util.Locale;

/**
 * gRPC status codes (grpc/doc/statuscodes.md) by name and number, and the two mappings Envoy applies
 * between them and HTTP statuses: one for the answers a proxy gives a gRPC client itself, the other for
 * a gRPC status that must be told to a client as an HTTP status.
 */
public final class GrpcStatus {
  public static final int OK = 0;
  public static final int CANCELLED = 1;
  public static final int UNKNOWN = 2;
  public static final int DEADLINE_EXCEEDED = 4;
  public static final int INTERNAL = 13;
  public static final int UNAVAILABLE = 14;

  /** The names, indexed by code, as Istio's {@code grpcStatus} spells them. */
  private static final List<String> NAMES = List.of("OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
      "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
      "UNAUTHENTICATED");

  /** Envoy's HTTP status for each code ({@code Grpc::Utility::grpcToHttpStatus}). */
  private static final int[] HTTP = {200, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 501, 500, 503,
      500, 401};

  private GrpcStatus() {}

  /** Every name, code order. */
  public static List<String> names() {
    return NAMES;
  }

  /** The code a name (any case) or a number 0-16 stands for, or -1 when it is neither. */
  public static int parse(String text) {
    if (text == null) {
      return -1;
    }
    String t = text.trim();
    if (!t.isEmpty() && t.chars().allMatch(Character::isDigit) && t.length() <= 2) {
      int code = Integer.parseInt(t);
      return code < NAMES.size() ? code : -1;
    }
    return NAMES.indexOf(t.toUpperCase(Locale.ROOT).replace('-', '_'));
  }

  /** {@code UNAVAILABLE} for 14; the number as text for a code outside the table. */
  public static String name(int code) {
    return code >= 0 && code < NAMES.size() ? NAMES.get(code) : Integer.toString(code);
  }

  /** The HTTP status Envoy tells a non-gRPC client for {@code code}; 500 for a code outside the table. */
  public static int toHttp(int code) {
    return code >= 0 && code < HTTP.length ? HTTP[code] : 500;
  }

  /**
   * The gRPC status Envoy gives a gRPC client for an HTTP status of its own answer
   * ({@code Grpc::Utility::httpToGrpcStatus}, gRPC's doc/http-grpc-status-mapping.md).
   */
  public static int fromHttp(int httpStatus) {
    return switch (httpStatus) {
      case 400 -> INTERNAL;
      case 401 -> 16; // UNAUTHENTICATED
      case 403 -> 7; // PERMISSION_DENIED
      case 404 -> 12; // UNIMPLEMENTED
      case 429, 502, 503, 504 -> UNAVAILABLE;
      default -> UNKNOWN;
    };
  }

  /** Whether a {@code content-type} is gRPC's ({@code application/grpc}, {@code application/grpc+proto}, ...). */
  public static boolean isGrpcContentType(String contentType) {
    return contentType != null && contentType.regionMatches(true, 0, "application/grpc", 0, 16)
        && (contentType.length() == 16 || contentType.charAt(16) == '+' || contentType.charAt(16) == ';');
  }
}
