package io.inboard.demo;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the downstream said: its status, the version and instance that answered (from its
 * response headers), its body, or why the call failed.
 */
record DownstreamAnswer(int status, String version, String instance, JsonNode body, String error) {

    static DownstreamAnswer failed(String error) {
        return new DownstreamAnswer(0, null, null, null, error);
    }

    boolean ok() {
        return error == null && status >= 200 && status < 300;
    }
}
