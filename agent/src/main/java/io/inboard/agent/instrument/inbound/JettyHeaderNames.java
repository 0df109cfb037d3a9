package io.inboard.agent.instrument.inbound;

import io.inboard.filter.HeaderNames;
import jakarta.servlet.http.HttpServletRequest;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletApiRequest;
import org.eclipse.jetty.http.HttpFields;

/**
 * Jetty ee10's header names, read from the request's own fields. {@code getHeaderNames()} builds a
 * new collection of them on every call (some hundreds of bytes per request, which the filter then
 * throws away); the fields are already there as an indexed list.
 */
final class JettyHeaderNames implements HeaderNames {
  static final JettyHeaderNames INSTANCE = new JettyHeaderNames();

  /** Cleared for good if this Jetty lacks a method used here: the filter then asks the servlet API. */
  private volatile boolean usable = true;

  private JettyHeaderNames() {}

  @Override
  public boolean each(HttpServletRequest request, Consumer<String> names) {
    if (!usable || !(request instanceof ServletApiRequest jetty)) {
      return false;
    }
    try {
      HttpFields fields = jetty.getFields();
      for (int i = 0, size = fields.size(); i < size; i++) {
        names.accept(fields.getField(i).getName());
      }
      return true;
    } catch (LinkageError e) {
      // An older or newer Jetty than the one compiled against. Names given before the error are
      // harmless: the filter reads them again through the servlet API and counts each once.
      usable = false;
      return false;
    }
  }
}
