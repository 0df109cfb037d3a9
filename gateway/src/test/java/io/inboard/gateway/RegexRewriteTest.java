package io.inboard.gateway;

import static io.inboard.gateway.WalkThroughMesh.MICROSERVICE_HOST;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rewrite.uriRegexRewrite} through the real gateway to a real upstream: the path the
 * upstream sees is the regex's substitution, the query is kept, and a path the regex does not
 * match is forwarded as it came.
 */
class RegexRewriteTest {
  @TempDir Path dir;

  @Test
  void theUpstreamSeesThePathRewrittenByTheRegex() throws Exception {
    try (WalkThroughMesh mesh = new WalkThroughMesh(dir, "rewrite/regex-rewrite.yaml")) {
      ContentResponse response = mesh.client.get(MICROSERVICE_HOST, "/api/v2/orders/17?expand=items");
      assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(200);
      Map<String, String> seen = TestClient.echo(response);
      assertThat(seen.get("version")).isEqualTo("v2");
      assertThat(seen.get("path")).isEqualTo("/orders/17");
      assertThat(seen.get("query")).isEqualTo("expand=items");

      Map<String, String> unmatched = TestClient.echo(mesh.client.get(MICROSERVICE_HOST, "/api/latest"));
      assertThat(unmatched.get("path")).isEqualTo("/api/latest");
    }
  }
}
