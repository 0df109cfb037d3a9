package io.inboard.filter;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Collects samples in a static list, so it can be named by class in an init-parameter. */
public final class RecordingMetrics implements RequestMetrics {
  static final List<RequestSample> SAMPLES = new CopyOnWriteArrayList<>();

  @Override
  public void record(RequestSample sample) {
    SAMPLES.add(sample);
  }
}
