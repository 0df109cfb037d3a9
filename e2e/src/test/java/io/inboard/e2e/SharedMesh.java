package io.inboard.e2e;

import io.inboard.demo.walk.LocalMesh;
import io.inboard.demo.walk.MeshJars;
import io.inboard.demo.walk.Rollout;
import io.inboard.demo.walk.WalkThrough;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One mesh of real processes for all end-to-end tests in this JVM (six JVMs on two cores take a
 * while to start): started before the first test class needs it, stopped when the run ends.
 */
final class SharedMesh implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SharedMesh.class);
    private static volatile LocalMesh mesh;

    private record Running(LocalMesh mesh) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            mesh.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(NS).getOrComputeIfAbsent(Running.class, k -> new Running(start()), Running.class);
    }

    static LocalMesh mesh() {
        if (mesh == null) {
            throw new IllegalStateException("annotate the test class with @ExtendWith(SharedMesh.class)");
        }
        return mesh;
    }

    /** The walk-through's scenario files (copies at the checkout's scenarios/). */
    static Path scenario(String file) {
        return Path.of(System.getProperty("inboard.scenarios", "../scenarios")).resolve(file);
    }

    /** Applies a file and waits until the gateway and every agent route by it. */
    static Duration apply(String file) throws Exception {
        long revision = mesh().controlPlane().apply(scenario(file));
        return Rollout.await(mesh().adminUrls(), revision, Duration.ofSeconds(20));
    }

    private static LocalMesh start() {
        Path checkout = Path.of(System.getProperty("inboard.checkout", ".."));
        Path runDir = Path.of(System.getProperty("inboard.runDir", "target/mesh"));
        try {
            mesh = LocalMesh.start(MeshJars.inCheckout(checkout), runDir, WalkThrough.LEAN_JVM,
                    line -> System.out.println("[mesh] " + line));
            return mesh;
        } catch (Exception e) {
            throw new IllegalStateException("could not start the mesh: " + e.getMessage(), e);
        }
    }
}
