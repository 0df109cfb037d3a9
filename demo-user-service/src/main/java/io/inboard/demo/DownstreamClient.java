package io.inboard.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Calls the configured downstream with a plain OkHttp request. It deliberately copies no header
 * from the inbound request: whatever routing header reaches the downstream was carried there by
 * the mesh, not by this code.
 */
final class DownstreamClient {

    private final OkHttpClient client;
    private final URI url;
    private final ObjectMapper json;

    DownstreamClient(URI url, ObjectMapper json) {
        this.url = url;
        this.json = json;
        this.client = new OkHttpClient.Builder()
                .callTimeout(Duration.ofSeconds(10))
                .retryOnConnectionFailure(false)
                .build();
    }

    URI url() {
        return url;
    }

    DownstreamAnswer call() {
        Request request = new Request.Builder().url(url.toString()).get().build();
        try (Response response = client.newCall(request).execute()) {
            ResponseBody body = response.body();
            String text = body == null ? "" : body.string();
            return new DownstreamAnswer(response.code(), response.header(UsersServlet.VERSION_HEADER),
                    response.header(UsersServlet.INSTANCE_HEADER), parse(text, response), null);
        } catch (IOException | RuntimeException e) {
            return DownstreamAnswer.failed("calling " + url + " failed: " + e);
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
