package io.inboard.demo;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code /healthz}: the process serves HTTP; used by readiness and liveness probes. */
final class HealthServlet extends HttpServlet {

    private final String version;
    private final String instance;

    HealthServlet(String version, String instance) {
        this.version = version;
        this.instance = instance;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader(UsersServlet.VERSION_HEADER, version);
        response.setHeader(UsersServlet.INSTANCE_HEADER, instance);
        response.setContentType("text/plain");
        response.getWriter().write("ok\n");
    }
}
