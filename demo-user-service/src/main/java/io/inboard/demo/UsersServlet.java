package io.inboard.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Answers {@code GET /} and {@code GET /list} with the users in this version's format, says which
 * version and instance answered (body and headers), echoes the headers it received and, when a
 * downstream is configured, embeds the downstream's answer.
 */
final class UsersServlet extends HttpServlet {

    static final String VERSION_HEADER = "x-user-version";
    static final String INSTANCE_HEADER = "x-user-instance";
    static final String DOWNSTREAM_STATUS_HEADER = "x-downstream-status";
    static final String DOWNSTREAM_VERSION_HEADER = "x-downstream-version";
    static final String DOWNSTREAM_INSTANCE_HEADER = "x-downstream-instance";

    private final String version;
    private final String instance;
    private final DownstreamClient downstream;
    private final ObjectMapper json;
    private final boolean usersOnly;

    /** @param usersOnly {@code false} for {@code /echo-headers}, which leaves the users out */
    UsersServlet(String version, String instance, DownstreamClient downstream, ObjectMapper json, boolean usersOnly) {
        this.version = version;
        this.instance = instance;
        this.downstream = downstream;
        this.json = json;
        this.usersOnly = usersOnly;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", version);
        body.put("instance", instance);
        if (usersOnly) {
            UserCatalog.addUsers(version, body);
        }
        body.put("path", request.getRequestURI());
        body.put("receivedHeaders", receivedHeaders(request));
        int status = HttpServletResponse.SC_OK;
        response.setHeader(VERSION_HEADER, version);
        response.setHeader(INSTANCE_HEADER, instance);
        if (downstream != null) {
            DownstreamAnswer answer = downstream.call();
            body.put("downstream", describe(answer));
            response.setHeader(DOWNSTREAM_STATUS_HEADER, String.valueOf(answer.status()));
            if (answer.version() != null) {
                response.setHeader(DOWNSTREAM_VERSION_HEADER, answer.version());
            }
            if (answer.instance() != null) {
                response.setHeader(DOWNSTREAM_INSTANCE_HEADER, answer.instance());
            }
            if (!answer.ok()) {
                // The caller asked for the downstream's users; without them the answer is a gateway error.
                status = HttpServletResponse.SC_BAD_GATEWAY;
            }
        }
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        json.writerWithDefaultPrettyPrinter().writeValue(response.getOutputStream(), body);
    }

    private Map<String, Object> describe(DownstreamAnswer answer) {
        Map<String, Object> described = new LinkedHashMap<>();
        described.put("url", answer.url().toString());
        described.put("status", answer.status());
        described.put("version", answer.version());
        described.put("instance", answer.instance());
        if (answer.error() != null) {
            described.put("error", answer.error());
        }
        described.put("answer", answer.body());
        return described;
    }

    private static Map<String, String> receivedHeaders(HttpServletRequest request) {
        Map<String, String> headers = new TreeMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name.toLowerCase(java.util.Locale.ROOT),
                    String.join(", ", Collections.list(request.getHeaders(name))));
        }
        return headers;
    }
}
