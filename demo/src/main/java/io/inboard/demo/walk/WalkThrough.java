package io.inboard.demo.walk;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one-command demo: starts the mesh on loopback, applies each scenario of the walk-through
 * in turn, sends traffic through the gateway on both domains and through the frontend, and
 * prints what each version received. Exit status 0 only when every check held.
 *
 * <pre>java -Djdk.httpclient.allowRestrictedHeaders=host -jar demo/target/inboard-demo.jar [--keep-running]</pre>
 */
public final class WalkThrough {

    /** Small heaps and quick start-up: six JVMs share two cores. */
    public static final List<String> LEAN_JVM = List.of("-Xms32m", "-Xmx192m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-Xss512k");

    private static final Duration ROLLOUT_TIMEOUT = Duration.ofSeconds(15);

    private final PrintStream out;
    private final long started = System.nanoTime();

    private WalkThrough(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        TrafficDriver.allowHostHeader();
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("walk-through: " + e.getMessage());
            System.err.println("usage: WalkThrough [--root DIR] [--scenarios DIR] [--run-dir DIR] [--keep-running]");
            System.exit(2);
            return;
        }
        try {
            System.exit(new WalkThrough(System.out).run(options));
        } catch (IllegalStateException e) {
            // What went wrong and where its log is, not a stack trace of the driver.
            System.err.println("walk-through failed: " + e.getMessage());
            System.exit(1);
        }
    }

    private int run(Options options) throws Exception {
        MeshJars jars = MeshJars.inCheckout(options.root());
        Path runDir = options.runDir() != null ? options.runDir() : Files.createTempDirectory("inboard-demo");
        step("starting the mesh on 127.0.0.1 (logs in " + runDir + ")");
        LocalMesh mesh = LocalMesh.start(jars, runDir, LEAN_JVM, this::step);
        Thread stopper = new Thread(mesh::close, "stop-mesh");
        Runtime.getRuntime().addShutdownHook(stopper);
        ResultTable table = new ResultTable();
        try (TrafficDriver driver = new TrafficDriver(6)) {
            ControlPlaneClient controlPlane = mesh.controlPlane();
            apply(mesh, controlPlane, options.scenarios().resolve(Scenario.GATEWAY_FILE));
            List<TrafficPath> paths = List.of(
                    TrafficPath.gatewayUserDomain(mesh.gatewayUrl()),
                    TrafficPath.gatewayPrefixDomain(mesh.gatewayUrl()),
                    TrafficPath.frontend(mesh.frontendUrl()));
            for (Scenario scenario : Scenario.values()) {
                apply(mesh, controlPlane, options.scenarios().resolve(scenario.file()));
                for (TrafficPath path : paths) {
                    long t0 = System.nanoTime();
                    Tally tally = driver.drive(path, scenario.probes());
                    Verdict verdict = scenario.judge(tally);
                    table.add(new ResultTable.Row(scenario, path, tally, verdict));
                    step(String.format(Locale.ROOT, "  %-5s %5d requests %-41s %.1f s",
                            verdict.passed() ? "ok" : "FAIL", tally.requests(), path.label(), seconds(t0)));
                }
            }
        }
        out.println();
        out.println("user domain: Host " + TrafficPath.USER_DOMAIN + "; microservice domain: Host "
                + TrafficPath.PREFIX_DOMAIN + " (prefix /user rewritten to /)");
        out.println();
        table.print(out);
        out.println();
        long failed = table.rows().stream().filter(r -> !r.verdict().passed()).count();
        out.printf(Locale.ROOT, "%s: %d of %d checks held, %.1f s since start%n",
                failed == 0 ? "PASSED" : "FAILED", table.rows().size() - failed, table.rows().size(),
                seconds(started));
        if (options.keepRunning()) {
            printTryIt(mesh, options);
            Thread.currentThread().join(); // until Ctrl-C; the shutdown hook stops the mesh
        }
        Runtime.getRuntime().removeShutdownHook(stopper);
        step("stopping the mesh");
        mesh.close();
        return failed == 0 ? 0 : 1;
    }

    private void apply(LocalMesh mesh, ControlPlaneClient controlPlane, Path file) throws Exception {
        long revision = controlPlane.apply(file);
        try {
            Duration took = Rollout.await(mesh.adminUrls(), revision, ROLLOUT_TIMEOUT);
            step(String.format(Locale.ROOT, "applied %s: revision %d in force everywhere after %d ms",
                    file.getFileName(), revision, took.toMillis()));
        } catch (IllegalStateException e) {
            // Measuring against half-applied rules would blame the scenario for the rollout: say so and go on.
            step("applied " + file.getFileName() + " (revision " + revision + "), rollout not confirmed: "
                    + e.getMessage());
            Thread.sleep(2_000);
        }
    }

    private void printTryIt(LocalMesh mesh, Options options) {
        String gw = mesh.gatewayUrl().toString();
        String cs = mesh.configServerUrl().toString();
        out.println();
        out.println("The mesh keeps running; press Ctrl-C to stop it. Try:");
        out.println("  curl -s -H 'Host: " + TrafficPath.USER_DOMAIN + "' " + gw + "/");
        out.println("  curl -s -H 'Host: " + TrafficPath.PREFIX_DOMAIN + "' " + gw + "/user/list");
        out.println("  curl -s -H 'Host: " + TrafficPath.USER_DOMAIN + "' -H 'mode: dev' " + gw + "/");
        out.println("  curl -s -H 'my-header: alice' " + mesh.frontendUrl() + "/    # frontend -> http://user/, header carried by the agent");
        out.println("  java -jar cli/target/inboardctl.jar apply --server " + cs + " -f "
                + options.scenarios().resolve("10-canary.yaml"));
        out.println("  java -jar cli/target/inboardctl.jar get virtualservices --server " + cs + " -n "
                + LocalMesh.NAMESPACE);
        out.println("  java -jar cli/target/inboardctl.jar instances --server " + cs);
        out.println("  curl -s " + mesh.adminUrls().get(0) + "/metrics | grep istio_requests_total");
        out.println("Logs: " + mesh.runDir());
    }

    private void step(String message) {
        out.printf(Locale.ROOT, "[%5.1fs] %s%n", seconds(started), message);
        out.flush();
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** The command line: where the checkout and scenarios are, where to keep logs, whether to stay up. */
    record Options(Path root, Path scenarios, Path runDir, boolean keepRunning) {
        static Options parse(String[] args) {
            Path root = Path.of(".");
            Path scenarios = null;
            Path runDir = null;
            boolean keep = false;
            List<String> rest = new ArrayList<>(List.of(args));
            while (!rest.isEmpty()) {
                String a = rest.remove(0);
                switch (a) {
                    case "--root" -> root = Path.of(value(a, rest));
                    case "--scenarios" -> scenarios = Path.of(value(a, rest));
                    case "--run-dir" -> runDir = Path.of(value(a, rest));
                    case "--keep-running" -> keep = true;
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'");
                }
            }
            Path dir = scenarios != null ? scenarios : root.resolve("scenarios");
            if (!Files.isRegularFile(dir.resolve(Scenario.GATEWAY_FILE))) {
                throw new IllegalArgumentException("no " + Scenario.GATEWAY_FILE + " in " + dir.toAbsolutePath()
                        + " (pass --scenarios DIR or run from the checkout's root)");
            }
            return new Options(root, dir, runDir, keep);
        }

        private static String value(String option, List<String> rest) {
            if (rest.isEmpty()) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return rest.remove(0);
        }
    }

}
