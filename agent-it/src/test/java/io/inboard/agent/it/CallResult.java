package io.inboard.agent.it;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One downstream call as the test service reports it: {@code status=200 version=v1 ... h.mode=dev}
 * or {@code error=IOException: ...}. Fields after the status are the echo server's.
 */
record CallResult(String line, int status, String error, Map<String, String> fields) {
  static CallResult parse(String line) {
    if (line.startsWith("error=")) {
      return new CallResult(line, 0, line.substring("error=".length()), Map.of());
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (String token : line.trim().split(" ")) {
      int eq = token.indexOf('=');
      if (eq > 0) {
        fields.put(token.substring(0, eq), token.substring(eq + 1));
      }
    }
    String status = fields.get("status");
    return new CallResult(line, status == null ? -1 : Integer.parseInt(status), null, fields);
  }

  String version() {
    return fields.get("version");
  }

  String instance() {
    return fields.get("instance");
  }

  /** A header as the last hop received it, or {@code null}. */
  String header(String name) {
    return fields.get("h." + name);
  }
}
