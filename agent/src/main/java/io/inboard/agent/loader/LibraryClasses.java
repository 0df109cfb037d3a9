package io.inboard.agent.loader;

import java.util.List;
import java.util.Set;

/**
 * The agent's classes that link against one library (OkHttp, Jetty, Tomcat, the Servlet API): the
 * ones an application class loader that defines the library gets a copy of, since the agent's own
 * class loader cannot see that library. Every other agent class (core, the runtime, the bridge) stays
 * one copy, which these reach by their loader's parent delegation; so they use its public members only.
 *
 * @param library the instrumentation's name, where its failures are counted
 * @param anchors the library's types the hooks are given (or subclass): the class loader of the one
 *     an object's class has is the one that gets the copy
 * @param classes the binary names of the top-level classes, as the agent's jar holds them; their
 *     nested classes come with them
 * @param entry the class among them that the shared code enters by: public, with a public
 *     constructor taking one argument
 */
public record LibraryClasses(String library, Set<String> anchors, List<String> classes, String entry) {
  public LibraryClasses {
    anchors = Set.copyOf(anchors);
    classes = List.copyOf(classes);
    if (!classes.contains(entry)) {
      throw new IllegalArgumentException(library + ": the entry " + entry + " is not one of its classes");
    }
  }

  /** The binary name of the class {@code simpleName} in the package of {@code sibling}, as loaded. */
  public static String named(Class<?> sibling, String simpleName) {
    // From a loaded sibling rather than a literal, so the name is right once the jar is shaded.
    return sibling.getPackageName() + "." + simpleName;
  }
}
