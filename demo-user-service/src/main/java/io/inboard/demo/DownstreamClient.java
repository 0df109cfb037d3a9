package io.inboard.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
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

    /**
     * Idle connections kept for all downstream instances together. OkHttp's default is 5: under
     * concurrent calls, and more so when they are spread over several instances (a canary, or the
     * agent routing inside this JVM), every call beyond those five opened a new connection that the
     * pool closed again once idle. Measured on the canary at saturation (32 concurrent calls): 855-911
     * requests/s with the default, 1,071-1,541 with this pool.
     */
    private static final int MAX_IDLE_CONNECTIONS = 64;

    /**
     * How long an idle connection is kept: below the 30 s idle timeout of Jetty servers (this service
     * included), so the pool drops a connection before the server closes it. A GET sent on a
     * connection the server has just closed fails, since this client does not retry.
     */
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(20);

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
                .connectionPool(new ConnectionPool(MAX_IDLE_CONNECTIONS, KEEP_ALIVE.toSeconds(), TimeUnit.SECONDS))
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
