package io.inboard.demo.walk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the runnable jars of a built checkout are: the config server, the gateway, the agent,
 * the demo user service and {@code inboardctl}.
 */
public record MeshJars(Path configServer, Path gateway, Path agent, Path userService, Path cli) {

    /** The jars as {@code mvn package} leaves them under the checkout at {@code root}. */
    public static MeshJars inCheckout(Path root) {
        Path r = root.toAbsolutePath().normalize();
        return new MeshJars(
                r.resolve("config-server/target/inboard-config-server.jar"),
                r.resolve("gateway/target/inboard-gateway.jar"),
                r.resolve("agent/target/inboard-agent.jar"),
                r.resolve("demo-user-service/target/demo-user-service.jar"),
                r.resolve("cli/target/inboardctl.jar"));
    }

    /** Fails naming every missing jar and how to build it. */
    public MeshJars requireBuilt() {
        List<String> missing = new ArrayList<>();
        for (Path jar : List.of(configServer, gateway, agent, userService)) {
            if (!Files.isRegularFile(jar)) {
                missing.add(jar.toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("not built yet: " + String.join(", ", missing)
                    + " (run: mvn -B -DskipTests package)");
        }
        return this;
    }
}
