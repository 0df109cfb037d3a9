package io.inboard.agent.instrument.inbound;

import io.inboard.filter.HeaderNames;
import jakarta.servlet.http.HttpServletRequest;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletApiRequest;
import org.eclipse.jetty.http.HttpFields;

/**
 * Jetty ee10's header names, read from the request's own fields. {@code getHeaderNames()} builds a
 * new collection of them on every call (about half a kilobyte per request, which the filter then
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
    HttpFields fields;
    int size;
    try {
      fields = jetty.getFields();
      size = fields.size();
    } catch (LinkageError e) {
      usable = false; // an older or newer Jetty than the one compiled against
      return false;
    }
    for (int i = 0; i < size; i++) {
      names.accept(fields.getField(i).getName());
    }
    return true;
  }
}
