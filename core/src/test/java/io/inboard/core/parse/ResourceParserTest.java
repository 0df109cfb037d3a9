package io.inboard.core.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.diag.Diagnostic;
import io.inboard.core.model.DestinationRule;
import io.inboard.core.model.Gateway;
import io.inboard.core.model.VirtualService;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ResourceParserTest {

  private static final String VS = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews, namespace: shop}
      spec:
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews}
      """;

  private static final String DR = """
      apiVersion: networking.istio.io/v1beta1
      kind: DestinationRule
      metadata: {name: reviews, namespace: shop}
      spec:
        host: reviews
        subsets: [{name: v1, labels: {version: v1}}]
      """;

  private static List<String> errors(ParseResult r) {
    return r.diagnostics().stream().filter(Diagnostic::isError).map(Diagnostic::toString).toList();
  }

  @Test
  void readsSeveralYamlDocumentsSkippingEmptyOnes() {
    ParseResult r = ResourceParser.parse("---\n" + VS + "---\n---\n" + DR + "---\n");
    assertThat(r.diagnostics()).isEmpty();
    assertThat(r.resources()).extracting(p -> p.resource().kind())
        .containsExactly("VirtualService", "DestinationRule");
    assertThat(r.resources()).extracting(ParsedResource::documentIndex).containsExactly(0, 1);
    assertThat(r.resources().get(1).resource().apiVersion()).isEqualTo("networking.istio.io/v1beta1");
  }

  @Test
  void keepsTheDocumentAsWritten() {
    ParseResult r = ResourceParser.parse(VS);
    assertThat(r.resources().get(0).source().path("spec").path("hosts").get(0).asText())
        .isEqualTo("reviews");
    assertThat(r.resources().get(0).source().path("metadata").path("name").asText())
        .isEqualTo("reviews");
  }

  @Test
  void readsJsonObjectsArraysAndLists() {
    String json = """
        {"apiVersion": "networking.istio.io/v1alpha3", "kind": "Gateway",
         "metadata": {"name": "edge"},
         "spec": {"selector": {"istio": "ingressgateway"},
                  "servers": [{"port": {"number": 80, "name": "http", "protocol": "HTTP"},
                               "hosts": ["a.example.com"]}]}}
        """;
    ParseResult one = ResourceParser.parse(json);
    assertThat(one.diagnostics()).isEmpty();
    Gateway g = (Gateway) one.resources().get(0).resource();
    assertThat(g.metadata().namespace()).isEqualTo("default");

    ParseResult array = ResourceParser.parse("[" + json + "," + json.replace("\"edge\"", "\"edge2\"") + "]");
    assertThat(array.diagnostics()).isEmpty();
    assertThat(array.resources()).hasSize(2);

    ParseResult list = ResourceParser.parse(
        "apiVersion: v1\nkind: List\nitems:\n- " + VS.replace("\n", "\n  ") + "\n- "
            + DR.replace("\n", "\n  "));
    assertThat(list.diagnostics()).isEmpty();
    assertThat(list.resources()).hasSize(2);
  }

  @Test
  void malformedYamlIsAnErrorWithLineAndColumn() {
    ParseResult r = ResourceParser.parse("apiVersion: networking.istio.io/v1\nkind: [VirtualService\n"
        + "metadata: {name: x}\n", "routes.yaml");
    assertThat(r.resources()).isEmpty();
    assertThat(r.diagnostics()).singleElement().satisfies(d -> {
      assertThat(d.isError()).isTrue();
      assertThat(d.resource()).isEqualTo("routes.yaml");
      assertThat(d.path()).isEqualTo("line 3, column 9");
      assertThat(d.message()).contains("flow sequence");
    });
  }

  @Test
  void malformedJsonIsAnErrorWithLineAndColumn() {
    ParseResult r = ResourceParser.parse("{\"kind\": \"Gateway\",\n \"metadata\": {\"name\": }\n}");
    assertThat(r.diagnostics()).singleElement().satisfies(d -> {
      assertThat(d.path()).isEqualTo("line 2, column 23");
      assertThat(d.message()).contains("Unexpected character ('}'");
    });
  }

  @Test
  void duplicateKeysAreAnError() {
    ParseResult r = ResourceParser.parse(VS + "kind: Gateway\n");
    assertThat(errors(r)).singleElement().asString().contains("Duplicate field 'kind'");
  }

  @Test
  @Timeout(10)
  void billionLaughsIsRefusedNotExpanded() {
    StringBuilder yaml = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < 10; i++) {
      yaml.append("a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 9; j++) {
        yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      yaml.append("]\n");
    }
    ParseResult r = ResourceParser.parse(yaml.toString());
    assertThat(r.resources()).isEmpty();
    assertThat(r.diagnostics()).singleElement().satisfies(d -> {
      assertThat(d.isError()).isTrue();
      assertThat(d.message()).contains("aliases expand to more than 10000 values");
    });
  }

  @Test
  void anchorsAliasesAndMergeKeysAreExpanded() {
    ParseResult r = ResourceParser.parse("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: shop}
        spec:
          hosts: [reviews]
          http:
          - name: first
            route: &to-v1
            - destination: {host: reviews, subset: v1}
            timeout: &t 2s
          - name: second
            match: [{uri: {prefix: /b}}]
            route: *to-v1
            timeout: *t
            retries:
              <<: &retry {attempts: 3, perTryTimeout: 1s}
              attempts: 5
        """);
    assertThat(r.diagnostics()).isEmpty();
    VirtualService vs = (VirtualService) r.resources().get(0).resource();
    assertThat(vs.spec().http().get(1).route().get(0).destination().subset()).isEqualTo("v1");
    assertThat(vs.spec().http().get(1).timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(vs.spec().http().get(1).retries().attempts()).isEqualTo(5);
    assertThat(vs.spec().http().get(1).retries().perTryTimeout()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aliasWithoutAnchorIsAnError() {
    ParseResult r = ResourceParser.parse("a: *nowhere\n");
    assertThat(errors(r)).singleElement().asString()
        .contains("alias *nowhere refers to no anchor &nowhere defined before it");
  }

  @Test
  void invalidUtf8IsAnErrorNotReplacementCharacters() {
    byte[] bytes = VS.replace("reviews]", "revi\u00e9ws]").getBytes(StandardCharsets.UTF_8);
    bytes[bytes.length - 40] = (byte) 0xC3; // leave valid content, then break one sequence:
    byte[] broken = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, broken, 0, 10);
    broken[10] = (byte) 0xFF;
    System.arraycopy(bytes, 10, broken, 11, bytes.length - 10);
    ParseResult r = ResourceParser.parse(broken, "bad.yaml");
    assertThat(r.diagnostics()).singleElement().satisfies(d -> {
      assertThat(d.resource()).isEqualTo("bad.yaml");
      assertThat(d.message()).isEqualTo("input is not valid UTF-8 (bad byte at offset 10); save the"
          + " file as UTF-8");
    });
    assertThat(ResourceParser.parse(VS.getBytes(StandardCharsets.UTF_8), "ok.yaml").hasErrors())
        .isFalse();
  }

  @Test
  void byteOrderMarkIsIgnored() {
    ParseResult r = ResourceParser.parse(("\uFEFF" + VS).getBytes(StandardCharsets.UTF_8), "bom.yaml");
    assertThat(r.diagnostics()).isEmpty();
  }

  @Test
  void moreThanTheMaximumNumberOfDocumentsIsRefused() {
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i <= ResourceParser.MAX_DOCUMENTS; i++) {
      yaml.append(VS.replace("name: reviews", "name: r" + i)).append("---\n");
    }
    ParseResult r = ResourceParser.parse(yaml.toString());
    assertThat(r.resources()).isEmpty();
    assertThat(errors(r)).containsExactly("ERROR: input has 101 documents, more than the 100 "
        + "allowed; split it into several inputs");
    assertThat(ResourceParser.parse(yaml.substring(0, yaml.lastIndexOf("apiVersion"))).resources())
        .hasSize(100);
  }

  @Test
  void oversizedInputIsRefusedBeforeParsing() {
    String huge = "# " + "x".repeat(ResourceParser.MAX_CHARS) + "\n" + VS;
    ParseResult r = ResourceParser.parse(huge, "big.yaml");
    assertThat(errors(r)).singleElement().asString().contains("more than the 3145728 allowed");
  }

  @Test
  void deepNestingIsRefused() {
    String deep = "a: " + "[".repeat(200) + "]".repeat(200) + "\n";
    ParseResult r = ResourceParser.parse(deep);
    assertThat(errors(r)).singleElement().asString().containsIgnoringCase("nesting");
  }

  @Test
  void wrongApiVersionAndUnknownKindAreErrors() {
    ParseResult r = ResourceParser.parse(VS.replace("networking.istio.io/v1", "networking.istio.io/v2")
        + "---\n" + DR.replace("kind: DestinationRule", "kind: DestinationRules")
        + "---\n" + DR.replace("kind: DestinationRule", "kind: ServiceEntry"));
    assertThat(errors(r)).containsExactly(
        "ERROR VirtualService shop/reviews apiVersion: 'networking.istio.io/v2' is not supported; "
            + "use networking.istio.io/v1 (v1beta1 and v1alpha3 are accepted too)",
        "ERROR DestinationRules shop/reviews kind: unknown kind 'DestinationRules'; Inboard reads "
            + "VirtualService, DestinationRule, Gateway (did you mean DestinationRule?)",
        "ERROR ServiceEntry shop/reviews kind: unknown kind 'ServiceEntry'; Inboard reads "
            + "VirtualService, DestinationRule, Gateway");
  }

  @Test
  void documentWithoutKindOrSpecNamesItsPosition() {
    ParseResult r = ResourceParser.parse(VS + "---\nmetadata: {name: x}\n---\njust a string\n", "f.yaml");
    assertThat(errors(r)).containsExactly(
        "ERROR f.yaml document 2 kind: is required; use one of VirtualService, DestinationRule, "
            + "Gateway",
        "ERROR f.yaml document 2 apiVersion: is required; use networking.istio.io/v1",
        "ERROR f.yaml document 2 spec: is required; every resource needs a spec",
        "ERROR f.yaml document 3: must be a mapping of fields, not the string 'just a string'",
        "ERROR f.yaml document 3: a document must be a mapping with apiVersion, kind, metadata and "
            + "spec");
    assertThat(r.resources()).hasSize(1);
  }

  @Test
  void metadataNamesAreChecked() {
    String longName = "a".repeat(64);
    String veryLong = "b".repeat(254);
    ParseResult r = ResourceParser.parse(
        VS.replace("{name: reviews, namespace: shop}", "{name: Reviews_1, namespace: Shop}")
            + "---\n" + VS.replace("name: reviews", "name: " + longName)
            + "---\n" + VS.replace("name: reviews", "name: " + veryLong)
            + "---\n" + VS.replace("metadata: {name: reviews, namespace: shop}", "metadata: {}"));
    assertThat(errors(r)).containsExactly(
        "ERROR VirtualService Shop/Reviews_1 metadata.name: 'Reviews_1' is not a valid resource "
            + "name: use lower-case letters, digits and '-', starting and ending with a letter or "
            + "digit",
        "ERROR VirtualService Shop/Reviews_1 metadata.namespace: 'Shop' is not a valid namespace: "
            + "use lower-case letters, digits and '-', starting and ending with a letter or digit; "
            + "write it as 'shop'",
        "ERROR VirtualService shop/" + longName + " metadata.name: '" + longName + "' is too long "
            + "(64 characters); a resource name has at most 63",
        "ERROR VirtualService shop/" + veryLong + " metadata.name: '" + "b".repeat(37) + "...' is "
            + "too long (254 characters); a resource name has at most 63",
        "ERROR document 4 metadata.name: is required, e.g. name: user-routes");
  }

  @Test
  void metadataFieldsAServerFillsInAreAccepted() {
    ParseResult r = ResourceParser.parse(VS.replace("metadata: {name: reviews, namespace: shop}",
        "metadata: {name: reviews, namespace: shop, uid: abc, resourceVersion: 7, generation: 2,"
            + " labels: {app: reviews}, annotations: {note: x}}") + "status: {}\n");
    assertThat(r.diagnostics()).isEmpty();
    VirtualService vs = (VirtualService) r.resources().get(0).resource();
    assertThat(vs.metadata().resourceVersion()).isEqualTo("7");
    assertThat(vs.metadata().labels()).containsEntry("app", "reviews");
  }

  @Test
  void duplicateResourcesInOneInputAreAnError() {
    ParseResult r = ResourceParser.parse(VS + "---\n" + DR + "---\n" + VS, "apply.yaml");
    assertThat(errors(r)).containsExactly("ERROR apply.yaml VirtualService shop/reviews "
        + "metadata.name: duplicate: document 1 already defines this VirtualService; give each "
        + "resource its own name (or namespace)");
    assertThat(r.resources()).hasSize(2);
    // The same name in another namespace, or for another kind, is a different resource.
    assertThat(ResourceParser.parse(VS + "---\n" + VS.replace("namespace: shop", "namespace: b"))
        .hasErrors()).isFalse();
  }

  @Test
  void resourcesWithErrorsAreLeftOutButValidOnesAreKept() {
    ParseResult r = ResourceParser.parse(VS + "---\n" + DR.replace("host: reviews", "host: \"*\""));
    assertThat(r.hasErrors()).isTrue();
    assertThat(r.resources()).singleElement()
        .satisfies(p -> assertThat(p.resource()).isInstanceOf(VirtualService.class));
    assertThat(ResourceParser.parse(DR).resources().get(0).resource())
        .isInstanceOf(DestinationRule.class);
  }
}
