package io.inboard.core.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Whatever shape a user gives any field, the parser answers with diagnostics and never throws:
 * every value of rich documents is replaced in turn by each JSON type, and each variant parsed.
 */
class ParserRobustnessTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final String RICH = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews, namespace: shop, labels: {app: reviews}}
      spec:
        hosts: [reviews]
        gateways: [edge, mesh]
        http:
        - name: canary
          match:
          - uri: {prefix: /api}
            headers: {x-user: {regex: "a.*"}, x-present: {}}
            queryParams: {debug: {exact: "1"}}
            withoutHeaders: {x-skip: {exact: "yes"}}
            ignoreUriCase: true
            sourceLabels: {app: frontend}
            sourceNamespace: web
            gateways: [shop/edge]
            port: 8080
          route:
          - destination: {host: reviews, subset: v1, port: {number: 9080}}
            weight: 90
            headers: {request: {set: {x-version: v1}}}
          - destination: {host: reviews, subset: v2}
            weight: 10
          rewrite: {uri: /, authority: backend}
          timeout: 1.5s
          retries: {attempts: 3, perTryTimeout: 250ms, retryOn: "5xx"}
          fault:
            delay: {fixedDelay: 2s, percentage: {value: 12.5}}
            abort: {httpStatus: 503, percentage: {value: 1}}
          mirror: {host: shadow}
          mirrorPercentage: {value: 50}
          headers: {request: {add: {x-a: "1"}, remove: [x-b]}}
        - redirect: {uri: /new, redirectCode: 302}
        - directResponse: {status: 418, body: {string: teapot}}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews, namespace: shop}
      spec:
        host: reviews
        trafficPolicy:
          loadBalancer: {consistentHash: {httpCookie: {name: c, path: /, ttl: 1h}, maglev: {tableSize: 251}}}
          outlierDetection: {consecutive5xxErrors: 3, interval: 5s}
          connectionPool: {tcp: {maxConnections: 1}}
        subsets:
        - name: v1
          labels: {version: v1}
          trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}
      ---
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata: {name: edge, namespace: shop}
      spec:
        selector: {istio: ingressgateway}
        servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["./a.example.com"]}]
      """;

  private static List<JsonNode> replacements() {
    ArrayNode listOfObject = NODES.arrayNode();
    listOfObject.addObject().put("x", 1);
    ObjectNode objectWithList = NODES.objectNode();
    objectWithList.putArray("x").add("y");
    return List.of(NODES.textNode(""), NODES.numberNode(-1), NODES.booleanNode(true),
        listOfObject, objectWithList, NODES.nullNode());
  }

  @Test
  void everyFieldReplacedByEveryShapeGivesDiagnosticsNotExceptions() throws Exception {
    ParseResult original = ResourceParser.parse(RICH);
    assertThat(original.hasErrors()).as(original.diagnostics().toString()).isFalse();
    int variants = 0;
    for (ParsedResource resource : original.resources()) {
      ObjectNode document = resource.source();
      List<Consumer<JsonNode>> setters = new ArrayList<>();
      collect(document, setters);
      for (int i = 0; i < setters.size(); i++) {
        for (JsonNode replacement : replacements()) {
          ObjectNode copy = document.deepCopy();
          List<Consumer<JsonNode>> copySetters = new ArrayList<>();
          collect(copy, copySetters);
          copySetters.get(i).accept(replacement.deepCopy());
          String json = BoundedYaml.json().writeValueAsString(copy);
          assertThatCode(() -> {
            ParseResult r = ResourceParser.parse(json);
            assertThat(r.diagnostics()).isNotNull();
          }).as(json).doesNotThrowAnyException();
          variants++;
        }
      }
    }
    assertThat(variants).isGreaterThan(800);
  }

  /** One setter per value in the tree, in a stable order. */
  private static void collect(JsonNode node, List<Consumer<JsonNode>> setters) {
    if (node instanceof ObjectNode object) {
      for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        setters.add(v -> object.set(name, v));
        collect(object.get(name), setters);
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        int index = i;
        setters.add(v -> array.set(index, v));
        collect(array.get(i), setters);
      }
    }
  }
}
