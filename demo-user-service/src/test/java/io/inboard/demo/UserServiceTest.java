package io.inboard.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UserServiceTest {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private UserService user;
    private UserService canary;
    private UserService frontend;

    @AfterEach
    void stop() throws Exception {
        if (frontend != null) {
            frontend.close();
        }
        if (user != null) {
            user.close();
        }
        if (canary != null) {
            canary.close();
        }
    }

    @Test
    void v1AnswersWithDisplayNamesAndSaysWhoAnswered() throws Exception {
        user = UserService.start(new ServiceSettings("127.0.0.1", 0, "v1", "user-v1-a", null));

        HttpResponse<String> response = get(user, "/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-user-version")).hasValue("v1");
        assertThat(response.headers().firstValue("x-user-instance")).hasValue("user-v1-a");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("version").asText()).isEqualTo("v1");
        assertThat(body.path("instance").asText()).isEqualTo("user-v1-a");
        assertThat(body.path("users").get(0).path("name").asText()).isEqualTo("Alice Smith");
        assertThat(body.has("data")).isFalse();
    }

    @Test
    void v2AnswersInTheNewNestedFormat() throws Exception {
        user = UserService.start(new ServiceSettings("127.0.0.1", 0, "v2", null, null));

        HttpResponse<String> response = get(user, "/list");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-user-version")).hasValue("v2");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.has("users")).isFalse();
        JsonNode first = body.path("data").path("users").get(0);
        assertThat(first.path("firstName").asText()).isEqualTo("Alice");
        assertThat(first.path("lastName").asText()).isEqualTo("Smith");
        assertThat(first.path("email").asText()).isEqualTo("alice@example.com");
        assertThat(body.path("data").path("count").asInt()).isEqualTo(3);
    }

    @Test
    void defaultInstanceNameCarriesTheBoundPort() throws Exception {
        user = UserService.start(new ServiceSettings("127.0.0.1", 0, "v1", null, null));

        HttpResponse<String> response = get(user, "/");

        assertThat(user.instance()).endsWith("-" + user.port());
        assertThat(response.headers().firstValue("x-user-instance")).hasValue(user.instance());
    }

    @Test
    void echoesTheHeadersItReceived() throws Exception {
        user = UserService.start(new ServiceSettings("127.0.0.1", 0, "v1", "u", null));

        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri(user, "/echo-headers"))
                .header("My-Header", "alice").header("mode", "dev").build(),
                HttpResponse.BodyHandlers.ofString());

        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("receivedHeaders").path("my-header").asText()).isEqualTo("alice");
        assertThat(body.path("receivedHeaders").path("mode").asText()).isEqualTo("dev");
        assertThat(body.has("users")).isFalse();
    }

    @Test
    void healthzAnswersOk() throws Exception {
        user = UserService.start(new ServiceSettings("127.0.0.1", 0, "v2", "u", null));

        HttpResponse<String> response = get(user, "/healthz");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok\n");
    }

    @Test
    void unknownPathIsNotFound() throws Exception {
        user = UserService.start(new ServiceSettings("127.0.0.1", 0, "v1", "u", null));

        assertThat(get(user, "/nope").statusCode()).isEqualTo(404);
    }

    @Test
    void frontendEmbedsTheDownstreamAnswerWithoutForwardingHeadersItself() throws Exception {
        user = UserService.start(new ServiceSettings("127.0.0.1", 0, "v2", "user-v2", null));
        frontend = UserService.start(new ServiceSettings("127.0.0.1", 0, "v1", "frontend-1",
                URI.create("http://127.0.0.1:" + user.port() + "/")));

        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri(frontend, "/"))
                .header("my-header", "bob").header("mode", "dev").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-user-instance")).hasValue("frontend-1");
        assertThat(response.headers().firstValue("x-downstream-version")).hasValue("v2");
        assertThat(response.headers().firstValue("x-downstream-instance")).hasValue("user-v2");
        assertThat(response.headers().firstValue("x-downstream-status")).hasValue("200");
        JsonNode downstream = JSON.readTree(response.body()).path("downstream");
        assertThat(downstream.path("version").asText()).isEqualTo("v2");
        assertThat(downstream.path("answer").path("data").path("users").size()).isEqualTo(3);
        // Without the agent nothing carries the routing headers on: the service must not do it itself.
        JsonNode received = downstream.path("answer").path("receivedHeaders");
        assertThat(received.has("my-header")).isFalse();
        assertThat(received.has("mode")).isFalse();
    }

    @Test
    void frontendSendsItsHandCodedCanaryShareToTheCanary() throws Exception {
        user = UserService.start(new ServiceSettings("127.0.0.1", 0, "v1", "user-v1", null));
        canary = UserService.start(new ServiceSettings("127.0.0.1", 0, "v2", "user-v2", null));
        frontend = UserService.start(new ServiceSettings("127.0.0.1", 0, "v1", "frontend-1",
                URI.create("http://127.0.0.1:" + user.port() + "/"),
                URI.create("http://127.0.0.1:" + canary.port() + "/"), 30));

        Map<String, Integer> versions = new TreeMap<>();
        for (int i = 0; i < 400; i++) {
            HttpResponse<String> response = get(frontend, "/");
            assertThat(response.statusCode()).isEqualTo(200);
            versions.merge(response.headers().firstValue("x-downstream-version").orElseThrow(), 1, Integer::sum);
        }

        // 30 % of 400 is 120; a binomial's standard deviation here is about 9.
        assertThat(versions.keySet()).containsExactly("v1", "v2");
        assertThat(versions.get("v2")).isBetween(80, 160);
        JsonNode downstream = JSON.readTree(get(frontend, "/").body()).path("downstream");
        assertThat(downstream.path("url").asText())
                .isIn("http://127.0.0.1:" + user.port() + "/", "http://127.0.0.1:" + canary.port() + "/");
    }

    @Test
    void frontendKeepsItsDownstreamConnectionsUnderConcurrentCalls() throws Exception {
        user = UserService.start(new ServiceSettings("127.0.0.1", 0, "v1", "user-v1", null));
        int concurrent = 16;
        try (CountingRelay relay = new CountingRelay(user.port(), 30)) {
            frontend = UserService.start(new ServiceSettings("127.0.0.1", 0, "v1", "frontend-1",
                    URI.create("http://127.0.0.1:" + relay.port() + "/")));

            for (int round = 0; round < 10; round++) {
                List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
                for (int i = 0; i < concurrent; i++) {
                    calls.add(HTTP.sendAsync(HttpRequest.newBuilder(uri(frontend, "/")).build(),
                            HttpResponse.BodyHandlers.ofString()));
                }
                for (CompletableFuture<HttpResponse<String>> call : calls) {
                    assertThat(call.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
                }
            }

            // The calls overlapped (more than OkHttp's default five idle connections were needed), and
            // the connections opened for them were kept from one round to the next: with the default
            // pool each round beyond the first reopened all but five of them (about 100 in all).
            assertThat(relay.accepted()).isBetween(6, 2 * concurrent);
        }
    }

    @Test
    void frontendAnswersBadGatewayWhenTheDownstreamCannotBeReached() throws Exception {
        user = UserService.start(new ServiceSettings("127.0.0.1", 0, "v1", "gone", null));
        int closedPort = user.port();
        user.close();
        user = null;
        frontend = UserService.start(new ServiceSettings("127.0.0.1", 0, "v1", "frontend-1",
                URI.create("http://127.0.0.1:" + closedPort + "/")));

        HttpResponse<String> response = get(frontend, "/");

        assertThat(response.statusCode()).isEqualTo(502);
        JsonNode downstream = JSON.readTree(response.body()).path("downstream");
        assertThat(downstream.path("error").asText()).contains("127.0.0.1:" + closedPort);
    }

    @Test
    void frontendPassesOnADownstreamErrorStatus() throws Exception {
        user = UserService.start(new ServiceSettings("127.0.0.1", 0, "v1", "u", null));
        frontend = UserService.start(new ServiceSettings("127.0.0.1", 0, "v1", "frontend-1",
                URI.create("http://127.0.0.1:" + user.port() + "/missing")));

        HttpResponse<String> response = get(frontend, "/");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("x-downstream-status")).hasValue("404");
    }

    private static HttpResponse<String> get(UserService service, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(service, path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(UserService service, String path) {
        return URI.create("http://127.0.0.1:" + service.port() + path);
    }
}
