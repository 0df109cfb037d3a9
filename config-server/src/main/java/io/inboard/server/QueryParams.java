package io.inboard.server;

import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.server.Request;

/** Reads query parameters, refusing malformed ones with a message naming the parameter. */
final class QueryParams {
  private QueryParams() {}

  static String param(Request request, String name) {
    Fields fields = Request.extractQueryParameters(request);
    Fields.Field f = fields.get(name);
    return f == null ? null : f.getValue();
  }

  static long longParam(Request request, String name, long dflt, long min, long max) {
    String v = param(request, name);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    long value;
    try {
      value = Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw ApiError.badRequest("query parameter " + name + "='" + Names.printable(v) + "' is not a whole number");
    }
    if (value < min || value > max) {
      throw ApiError.badRequest("query parameter " + name + "=" + value + " is out of range [" + min + ", " + max + "]");
    }
    return value;
  }
}
