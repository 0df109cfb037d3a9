package io.inboard.core.validate;

import io.inboard.core.model.Destination;
import java.util.Locale;

/** Reads a {@code destination} (of a route or a mirror): host, optional subset and port. */
final class Destinations {
  private static final Schema SCHEMA = Schema.of("host", "subset", "port");
  private static final Schema PORT = Schema.of("number");

  private Destinations() {}

  static Destination read(Field f) {
    if (!f.object(SCHEMA)) {
      return null;
    }
    boolean ok = true;
    Field hostField = f.get("host");
    String host = hostField.string();
    if (!hostField.present()) {
      hostField.error("is required, e.g. host: user (a service in this namespace) or its FQDN");
      ok = false;
    } else if (host == null) {
      ok = false;
    } else {
      host = host.toLowerCase(Locale.ROOT);
      String problem = host.equals("*")
          ? "'*' is not a destination; name the service to send to"
          : Hosts.problem(host, false);
      if (problem != null) {
        hostField.error(problem);
        ok = false;
      } else {
        host = Hosts.withoutTrailingDot(host);
      }
    }
    Field subsetField = f.get("subset");
    String subset = subsetField.string();
    if (subset != null) {
      String problem = Names.dns1123LabelProblem(subset, "a subset name");
      if (problem != null) {
        subsetField.error(problem);
        ok = false;
      }
    } else if (subsetField.present()) {
      ok = false;
    }
    int port = 0;
    Field portField = f.get("port");
    if (portField.object(PORT)) {
      Integer n = portField.get("number").integer(1, 65535);
      if (n == null) {
        if (!portField.get("number").present()) {
          portField.get("number").error("is required, e.g. port: {number: 8080}");
        }
        ok = false;
      } else {
        port = n;
      }
    } else if (portField.present()) {
      ok = false;
    }
    return ok ? new Destination(host, subset, port) : null;
  }
}
