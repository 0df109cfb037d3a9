package io.inboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inboard.demo.walk.Scenario;
import io.inboard.demo.walk.Tally;
import io.inboard.demo.walk.TrafficDriver;
import io.inboard.demo.walk.TrafficPath;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every scenario of the walk-through on the real processes: through the gateway on both domains
 * and service to service through the frontend, with the walk-through's thresholds.
 */
@ExtendWith(SharedMesh.class)
class WalkThroughIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static TrafficDriver driver;
    private static List<TrafficPath> paths;

    @BeforeAll
    static void gateway() throws Exception {
        driver = new TrafficDriver(6);
        paths = List.of(
                TrafficPath.gatewayUserDomain(SharedMesh.mesh().gatewayUrl()),
                TrafficPath.gatewayPrefixDomain(SharedMesh.mesh().gatewayUrl()),
                TrafficPath.frontend(SharedMesh.mesh().frontendUrl()));
        SharedMesh.apply(Scenario.GATEWAY_FILE);
    }

    @AfterAll
    static void stopDriver() {
        driver.close();
    }

    @Test
    void canarySendsAboutOneRequestInTenToV2OnEveryPath() throws Exception {
        SharedMesh.apply(Scenario.CANARY.file());
        for (TrafficPath path : paths) {
            Tally tally = driver.drive(path, Scenario.CANARY.probes());

            assertThat(tally.problems()).as("failures on %s", path.label()).isEmpty();
            assertThat(tally.requests()).isGreaterThanOrEqualTo(500);
            assertThat(tally.share("v1")).as("v1 share on %s", path.label()).isBetween(0.85, 0.95);
            assertThat(tally.share("v1") + tally.share("v2")).isEqualTo(1.0);
        }
    }

    @Test
    void consistentHashKeepsEachKeyOnOneInstanceAndUsesBoth() throws Exception {
        SharedMesh.apply(Scenario.CONSISTENT_HASH.file());
        for (TrafficPath path : paths) {
            Tally tally = driver.drive(path, Scenario.CONSISTENT_HASH.probes());

            assertThat(tally.problems()).as("failures on %s", path.label()).isEmpty();
            assertThat(tally.keys()).isEqualTo(Scenario.HASH_KEYS);
            assertThat(tally.instancesByKey()).as("instances per key on %s", path.label())
                    .allSatisfy((key, instances) -> assertThat(instances).hasSize(1));
            assertThat(tally.instancesUsed()).as("instances used on %s", path.label())
                    .containsExactlyInAnyOrder("user-v1", "user-v2");
        }
    }

    @Test
    void stickyCanaryKeepsEachKeyOnOneVersionWithOneKeyInTenOnV2() throws Exception {
        SharedMesh.apply(Scenario.STICKY_CANARY.file());
        Map<String, Map<String, Set<String>>> byPath = new LinkedHashMap<>();
        for (TrafficPath path : paths) {
            Tally tally = driver.drive(path, Scenario.STICKY_CANARY.probes());

            assertThat(tally.problems()).as("failures on %s", path.label()).isEmpty();
            assertThat(tally.keys()).isEqualTo(Scenario.STICKY_KEYS);
            assertThat(tally.keysOnOneVersion()).as("keys on one version on %s", path.label())
                    .isEqualTo(Scenario.STICKY_KEYS);
            assertThat(tally.keyShare("v2")).as("v2 share of keys on %s", path.label()).isBetween(0.07, 0.13);
            byPath.put(path.label(), tally.versionsByKey());
        }
        // The gateway and the agents decide with the same router: a key gets the same version at the edge and inside.
        List<Map<String, Set<String>>> assignments = List.copyOf(byPath.values());
        assertThat(assignments.get(1)).isEqualTo(assignments.get(0));
        assertThat(assignments.get(2)).isEqualTo(assignments.get(0));
    }

    @Test
    void darkReleaseSendsModeDevToV2AndEverythingElseToV1() throws Exception {
        SharedMesh.apply(Scenario.DARK_RELEASE.file());
        for (TrafficPath path : paths) {
            Tally tally = driver.drive(path, Scenario.DARK_RELEASE.probes());

            assertThat(tally.problems()).as("failures on %s", path.label()).isEmpty();
            assertThat(tally.versionsByKey()).as("versions per mode on %s", path.label())
                    .containsEntry("mode=dev", Set.of("v2"))
                    .containsEntry("mode=prod", Set.of("v1"))
                    .containsEntry("-", Set.of("v1"));
            assertThat(tally.answeredBy("v2")).isEqualTo(Scenario.DARK_REQUESTS);
        }
    }

    @Test
    void thePrefixDomainRewritesTheUserPrefixAway() throws Exception {
        SharedMesh.apply(Scenario.DARK_RELEASE.file());
        URI gateway = SharedMesh.mesh().gatewayUrl();

        JsonNode list = getJson(gateway.resolve("/user/list"), Map.of("Host", TrafficPath.PREFIX_DOMAIN));
        JsonNode root = getJson(gateway.resolve("/user"), Map.of("Host", TrafficPath.PREFIX_DOMAIN, "mode", "dev"));

        assertThat(list.path("path").asText()).isEqualTo("/list");
        assertThat(list.path("version").asText()).isEqualTo("v1");
        assertThat(list.has("users")).isTrue();
        assertThat(root.path("path").asText()).isEqualTo("/");
        assertThat(root.path("version").asText()).isEqualTo("v2");
        assertThat(root.path("data").path("users").isArray()).isTrue();
    }

    @Test
    void theFrontendCarriesTheRoutingHeadersOnWithoutCodeForIt() throws Exception {
        // The propagated set follows the rules in force: my-header is the hash key of the sticky canary ...
        SharedMesh.apply(Scenario.STICKY_CANARY.file());
        JsonNode hashed = received(Map.of("my-header", "alice", "x-request-id", "e2e-req-1"));
        assertThat(hashed.path("my-header").asText()).isEqualTo("alice");
        assertThat(hashed.path("x-request-id").asText()).isEqualTo("e2e-req-1");

        // ... and mode is what the dark release matches on.
        SharedMesh.apply(Scenario.DARK_RELEASE.file());
        JsonNode matched = received(Map.of("mode", "dev", "x-request-id", "e2e-req-2"));
        assertThat(matched.path("mode").asText()).isEqualTo("dev");
        assertThat(matched.path("x-request-id").asText()).isEqualTo("e2e-req-2");
    }

    /** The headers the user service received when the frontend called it on a request with {@code headers}. */
    private static JsonNode received(Map<String, String> headers) throws Exception {
        JsonNode answer = getJson(SharedMesh.mesh().frontendUrl().resolve("/"), headers);
        assertThat(answer.path("downstream").path("status").asInt()).isEqualTo(200);
        return answer.path("downstream").path("answer").path("receivedHeaders");
    }

    @Test
    void anUnknownHostAtTheGatewayIsNotFoundWithAReason() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(SharedMesh.mesh().gatewayUrl().resolve("/"))
                .header("Host", "nobody.example.com").timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("x-inboard-reason")).isPresent();
    }

    private static JsonNode getJson(URI uri, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15));
        headers.forEach(request::header);
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("status of %s: %s", uri, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
