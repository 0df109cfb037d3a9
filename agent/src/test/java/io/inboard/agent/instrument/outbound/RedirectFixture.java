package io.inboard.agent.instrument.outbound;

import java.util.List;

/**
 * The redirects of the redirect tests: each rule's redirect and the same redirect answered by the
 * real server of {@link AnsweringMesh} (its {@code /server/<code>?to=<location>}), so a client's
 * following of the mesh's answer can be compared with its following of a server's. {@code user} and
 * {@code other} are mesh hosts, both served by that server; {@code /new} echoes the request.
 */
final class RedirectFixture {
  private RedirectFixture() {}

  /** The rules, with {@code port} the server's (a redirect out of the mesh goes to it directly). */
  static String rules(int port) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: user, namespace: default}
        spec:
          hosts: [user]
          http:
          - match: [{uri: {prefix: /old}}]
            redirect: {uri: /new}
          - match: [{uri: {prefix: /found}}]
            redirect: {uri: /new, redirectCode: 302}
          - match: [{uri: {prefix: /see-other}}]
            redirect: {uri: /new, redirectCode: 303}
          - match: [{uri: {prefix: /temporary}}]
            redirect: {uri: /new, redirectCode: 307}
          - match: [{uri: {prefix: /permanent}}]
            redirect: {uri: /new, redirectCode: 308}
          - match: [{uri: {prefix: /loop}}]
            redirect: {uri: /loop}
          - match: [{uri: {prefix: /twice}}]
            redirect: {uri: /old}
          - match: [{uri: {prefix: /elsewhere}}]
            redirect: {authority: other, uri: /new}
          - match: [{uri: {prefix: /out}}]
            redirect: {authority: "127.0.0.1:%1$d", uri: "/server/301?to=/new"}
          - match: [{uri: {prefix: /secure}}]
            redirect: {scheme: https, uri: /new}
          - match: [{uri: {prefix: /teapot}}]
            redirect: {authority: other, uri: /abort}
          - match: [{uri: {prefix: /slow}}]
            fault: {delay: {fixedDelay: 400ms, percentage: {value: 100}}}
            route: [{destination: {host: user}}]
          - route: [{destination: {host: user}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: other, namespace: default}
        spec:
          hosts: [other]
          http:
          - match: [{uri: {prefix: /abort}}]
            fault: {abort: {httpStatus: 418, percentage: {value: 100}}}
            route: [{destination: {host: other}}]
          - route: [{destination: {host: other}}]
        """.formatted(port);
  }

  /** The agent's routing over these rules, {@code user} and {@code other} on the server. */
  static MeshCalls calls(AnsweringMesh mesh) {
    return mesh.calls(rules(mesh.port),
        List.of(AnsweringMesh.instance("user", mesh.port), AnsweringMesh.instance("other", mesh.port)));
  }

  /** The mesh's path of each redirect status (to {@code /new} on the same host). */
  static final List<String> MESH_PATHS = List.of("/old", "/found", "/see-other", "/temporary", "/permanent");

  /** The redirect statuses of {@link #MESH_PATHS}, in order. */
  static final List<Integer> CODES = List.of(301, 302, 303, 307, 308);

  /** The server's URL answering {@code code} with {@code Location: location}. */
  static String server(AnsweringMesh mesh, int code, String location) {
    return "http://127.0.0.1:" + mesh.port + "/server/" + code + "?to="
        + java.net.URLEncoder.encode(location, java.nio.charset.StandardCharsets.UTF_8);
  }
}
