package io.inboard.core.validate;

import io.inboard.core.model.GatewayPort;
import io.inboard.core.model.GatewaySpec;
import io.inboard.core.model.Server;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads and validates a Gateway {@code spec}. */
final class GatewayReader {
  private static final Schema SPEC = Schema.of("selector", "servers");
  private static final Schema SERVER =
      Schema.of("port", "hosts", "name").unsupported("tls", "bind", "defaultEndpoint");
  private static final Schema PORT = Schema.of("number", "name", "protocol").unsupported("targetPort");

  /** Protocols Istio knows; Inboard's gateway serves the HTTP ones. */
  private static final Set<String> PROTOCOLS =
      Set.of("HTTP", "HTTPS", "HTTP2", "GRPC", "GRPC-WEB", "TCP", "TLS", "MONGO", "REDIS", "MYSQL");
  private static final Set<String> SERVED = Set.of("HTTP");

  private GatewayReader() {}

  static GatewaySpec read(Field spec) {
    if (!spec.object(SPEC)) {
      return null;
    }
    Field selectorField = spec.get("selector");
    Map<String, String> selector = Labels.read(selectorField);
    if (!selectorField.present() || (selectorField.json().isObject() && selectorField.json().isEmpty())) {
      selectorField.warning("selector is empty, so this Gateway applies to every gateway; select "
          + "one, e.g. selector: {istio: ingressgateway}");
    }
    Field serversField = spec.get("servers");
    List<Server> servers = new ArrayList<>();
    if (!serversField.present() || (serversField.json().isArray() && serversField.json().isEmpty())) {
      serversField.error("a Gateway needs at least one server (a port and the hosts it accepts)");
    }
    Set<String> portNames = new HashSet<>();
    for (Field item : serversField.items()) {
      Server server = server(item, portNames);
      if (server != null) {
        servers.add(server);
      }
    }
    return new GatewaySpec(selector, servers);
  }

  private static Server server(Field f, Set<String> portNames) {
    if (!f.object(SERVER)) {
      if (!f.present()) {
        f.error("is empty; a server needs a port and hosts");
      }
      return null;
    }
    GatewayPort port = port(f.get("port"), portNames);
    if (!f.has("port")) {
      f.get("port").error("is required, e.g. port: {number: 80, name: http, protocol: HTTP}");
    }
    Field hostsField = f.get("hosts");
    List<String> hosts = new ArrayList<>();
    if (!hostsField.present() || (hostsField.json().isArray() && hostsField.json().isEmpty())) {
      hostsField.error("a server needs at least one host, e.g. hosts: [api.example.com]");
    }
    for (Field item : hostsField.items()) {
      String host = item.string();
      if (host == null) {
        continue;
      }
      host = host.toLowerCase(Locale.ROOT);
      String problem = Hosts.gatewayServerHostProblem(host);
      if (problem != null) {
        item.error(problem);
        continue;
      }
      int slash = host.indexOf('/');
      hosts.add(host.substring(0, slash + 1) + Hosts.withoutTrailingDot(host.substring(slash + 1)));
    }
    String name = f.get("name").string();
    return port == null ? null : new Server(port, hosts, name);
  }

  private static GatewayPort port(Field f, Set<String> portNames) {
    if (!f.object(PORT)) {
      return null;
    }
    Field numberField = f.get("number");
    Integer number = numberField.integer(1, 65535);
    if (!numberField.present()) {
      numberField.error("is required, e.g. number: 80");
    }
    Field nameField = f.get("name");
    String name = nameField.string();
    if (!nameField.present()) {
      nameField.error("is required, e.g. name: http");
    } else if (name != null && !portNames.add(name)) {
      nameField.error("duplicate port name '" + name + "'; each server's port needs its own name");
    }
    Field protocolField = f.get("protocol");
    String protocol = protocolField.string();
    if (!protocolField.present()) {
      protocolField.error("is required, e.g. protocol: HTTP");
    } else if (protocol != null) {
      String upper = protocol.toUpperCase(Locale.ROOT);
      if (!PROTOCOLS.contains(upper)) {
        protocolField.error("'" + protocol + "' is not a protocol; use HTTP, HTTPS, HTTP2, GRPC, "
            + "GRPC-WEB, TCP, TLS, MONGO, REDIS or MYSQL");
        protocol = null;
      } else {
        if (!SERVED.contains(upper)) {
          protocolField.warning(upper + " is not supported by Inboard's gateway yet; this server is "
              + "ignored (only HTTP is served)");
        }
        protocol = upper;
      }
    }
    return number == null || protocol == null ? null : new GatewayPort(number, name, protocol);
  }
}
