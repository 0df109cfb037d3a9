package io.inboard.agent.loader;

import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * A library's hooks for the class loader that defined each of its classes: the agent's own copy
 * when its class loader sees that very library (the application's class path), else the copy
 * {@link ClassInjector} defines in the library's loader (a Spring Boot jar's, a web application's).
 * Looked up by the class of the object a hook is given, in the class's own map
 * ({@link ClassValue}): a few loads per call, nothing locked, and nothing that outlives the class.
 *
 * <p>Fail open: when a class's copy cannot be made, the failure is counted once and the class gets
 * {@code none}, hooks that leave everything as the application made it.
 *
 * @param <H> the hooks' interface, shared by every copy (its loader is the agent's)
 */
public final class LoaderHooks<H> extends ClassValue<H> {
  private final LibraryClasses library;
  private final Class<H> hooks;
  private final ClassInjector injector;
  private final Supplier<H> own;
  private final H none;
  private final Class<?> argumentType;
  private final Object argument;
  private final BiConsumer<String, Throwable> failures;

  /**
   * @param own the hooks made by the agent's own copy of the library's classes
   * @param none the hooks that do nothing
   * @param argumentType the type of the entry's constructor's one parameter
   * @param argument what each copy's entry is made with: the shared runtime it reports to
   */
  public <A> LoaderHooks(
      LibraryClasses library,
      Class<H> hooks,
      ClassInjector injector,
      Supplier<H> own,
      H none,
      Class<A> argumentType,
      A argument,
      BiConsumer<String, Throwable> failures) {
    this.library = library;
    this.hooks = hooks;
    this.injector = injector;
    this.own = own;
    this.none = none;
    this.argumentType = argumentType;
    this.argument = argument;
    this.failures = failures;
  }

  /** The hooks for {@code object}, an instance of one of the library's anchors. */
  public H of(Object object) {
    return get(object.getClass());
  }

  @Override
  protected H computeValue(Class<?> type) {
    try {
      Class<?> anchor = anchorOf(type);
      if (anchor == null) {
        return none;
      }
      if (seenByAgent(anchor)) {
        return own.get();
      }
      ClassLoader loader = anchor.getClassLoader();
      Class<?> entry = injector.inject(library, loader);
      return hooks.cast(entry.getConstructor(argumentType).newInstance(argument));
    } catch (Throwable t) {
      failures.accept(library.library(), t);
      return none;
    }
  }

  /** The library type among {@code type}'s class, superclasses and interfaces, or null. */
  private Class<?> anchorOf(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      if (library.anchors().contains(c.getName())) {
        return c;
      }
      for (Class<?> implemented : c.getInterfaces()) {
        Class<?> found = anchorOf(implemented);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  /** Whether the agent's own class loader resolves the library's type to this very class. */
  private boolean seenByAgent(Class<?> anchor) {
    try {
      return Class.forName(anchor.getName(), false, injector.own()) == anchor;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
