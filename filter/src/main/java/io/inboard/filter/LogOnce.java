package io.inboard.filter;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Logs the first failure at each place, so a failing path cannot flood the application's log. */
final class LogOnce implements BiConsumer<String, Throwable> {
  private static final Logger LOG = Logger.getLogger("io.inboard.filter");
  private final Set<String> logged = ConcurrentHashMap.newKeySet();

  @Override
  public void accept(String where, Throwable failure) {
    if (logged.add(where)) {
      LOG.log(
          Level.WARNING,
          "Inboard filter failed in " + where + "; the request goes on untouched (logged once)",
          failure);
    }
  }
}
