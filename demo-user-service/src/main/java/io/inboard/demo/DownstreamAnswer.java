package io.inboard.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;

/**
 * What the downstream at {@code url} said: its status, the version and instance that answered
 * (from its response headers), its body, or why the call failed.
 */
record DownstreamAnswer(URI url, int status, String version, String instance, JsonNode body, String error) {

    static DownstreamAnswer failed(URI url, String error) {
        return new DownstreamAnswer(url, 0, null, null, null, error);
    }

    boolean ok() {
        return error == null && status >= 200 && status < 300;
    }
}
