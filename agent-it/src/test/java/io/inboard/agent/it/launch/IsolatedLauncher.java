package io.inboard.agent.it.launch;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs an application from a class loader of its own, child of the system class loader, as a
 * Spring Boot jar's launcher or a servlet container does: the only class on the system class path
 * is this one, so the application's libraries (Jetty, Tomcat, OkHttp) are out of the agent's sight.
 *
 * <p>Usage: {@code IsolatedLauncher CLASSPATH MAIN-CLASS ARGS...}. Prints
 * {@code ISOLATED <loader name>} once it has checked that the system class loader lacks OkHttp.
 */
public final class IsolatedLauncher {
  private IsolatedLauncher() {}

  public static void main(String[] args) throws Throwable {
    List<URL> urls = new ArrayList<>();
    for (String entry : args[0].split(File.pathSeparator)) {
      urls.add(Path.of(entry).toUri().toURL());
    }
    try {
      ClassLoader.getSystemClassLoader().loadClass("okhttp3.OkHttpClient");
      throw new IllegalStateException("OkHttp is on the system class path: the application is not isolated");
    } catch (ClassNotFoundException expected) {
      // as it should be
    }
    URLClassLoader application =
        new URLClassLoader("application", urls.toArray(URL[]::new), ClassLoader.getSystemClassLoader());
    Thread.currentThread().setContextClassLoader(application);
    System.out.println("ISOLATED " + application.getName());
    application
        .loadClass(args[1])
        .getMethod("main", String[].class)
        .invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
  }
}
