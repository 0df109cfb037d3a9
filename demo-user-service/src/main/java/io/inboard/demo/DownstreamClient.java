package io.inboard.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Calls the configured downstream with a plain OkHttp request. It deliberately copies no header
 * from the inbound request: whatever routing header reaches the downstream was carried there by
 * the mesh, not by this code.
 *
 * <p>With a canary URL, this client picks the canary for its share of the calls at random: the
 * canary a team codes by hand without a mesh (the benchmark's baseline for the agent's own cost).
 */
final class DownstreamClient {

    private final OkHttpClient client;
    private final URI url;
    private final URI canaryUrl;
    private final int canaryPercent;
    private final ObjectMapper json;

    DownstreamClient(URI url, URI canaryUrl, int canaryPercent, ObjectMapper json) {
        this.url = url;
        this.canaryUrl = canaryUrl;
        this.canaryPercent = canaryUrl == null ? 0 : canaryPercent;
        this.json = json;
        this.client = new OkHttpClient.Builder()
                .callTimeout(Duration.ofSeconds(10))
                .retryOnConnectionFailure(false)
                .build();
    }

    DownstreamAnswer call() {
        URI url = canaryPercent > 0 && ThreadLocalRandom.current().nextInt(100) < canaryPercent ? canaryUrl : this.url;
        Request request = new Request.Builder().url(url.toString()).get().build();
        try (Response response = client.newCall(request).execute()) {
            ResponseBody body = response.body();
            String text = body == null ? "" : body.string();
            return new DownstreamAnswer(url, response.code(), response.header(UsersServlet.VERSION_HEADER),
                    response.header(UsersServlet.INSTANCE_HEADER), parse(text, response), null);
        } catch (IOException | RuntimeException e) {
            return DownstreamAnswer.failed(url, "calling " + url + " failed: " + e);
        }
    }

    private JsonNode parse(String text, Response response) {
        try {
            return json.readTree(text);
        } catch (IOException e) {
            String reason = response.header("x-inboard-reason");
            return TextNode.valueOf(reason == null ? text : text + " (" + reason + ")");
        }
    }

    void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
