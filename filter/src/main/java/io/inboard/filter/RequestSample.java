package io.inboard.filter;

/**
 * One finished request, labelled as Istio labels {@code istio_requests_total} and
 * {@code istio_request_duration_milliseconds}. Unknown values are {@code "unknown"}, as in Istio.
 *
 * @param reporter {@code destination} when measured by the receiving service (this filter),
 *     {@code source} when measured by the caller (the agent's outbound hooks)
 * @param destinationService the FQDN, e.g. {@code user.traffic-management.svc.cluster.local}
 * @param requestProtocol {@code http}
 * @param responseCode the HTTP status; 0 when no response was received
 * @param responseFlags Envoy-style flags: {@code -} none, {@code NR} no route, {@code UH} no healthy
 *     upstream, {@code UF} upstream connection failure, {@code FI} fault injected
 */
public record RequestSample(
    String reporter,
    String sourceWorkload,
    String sourceWorkloadNamespace,
    String sourceVersion,
    String destinationWorkload,
    String destinationWorkloadNamespace,
    String destinationService,
    String destinationServiceName,
    String destinationServiceNamespace,
    String destinationVersion,
    String requestProtocol,
    int responseCode,
    String responseFlags,
    long durationNanos) {
  public static final String UNKNOWN = "unknown";

  public RequestSample {
    sourceWorkload = orUnknown(sourceWorkload);
    sourceWorkloadNamespace = orUnknown(sourceWorkloadNamespace);
    sourceVersion = orUnknown(sourceVersion);
    destinationWorkload = orUnknown(destinationWorkload);
    destinationWorkloadNamespace = orUnknown(destinationWorkloadNamespace);
    destinationService = orUnknown(destinationService);
    destinationServiceName = orUnknown(destinationServiceName);
    destinationServiceNamespace = orUnknown(destinationServiceNamespace);
    destinationVersion = orUnknown(destinationVersion);
    requestProtocol = requestProtocol == null ? "http" : requestProtocol;
    responseFlags = responseFlags == null || responseFlags.isEmpty() ? "-" : responseFlags;
  }

  /** This series with a request's outcome: its status and duration. */
  public RequestSample withOutcome(int status, long nanos) {
    return new RequestSample(reporter, sourceWorkload, sourceWorkloadNamespace, sourceVersion,
        destinationWorkload, destinationWorkloadNamespace, destinationService, destinationServiceName,
        destinationServiceNamespace, destinationVersion, requestProtocol, status, responseFlags, nanos);
  }

  /**
   * This sample without its duration: what identifies its time series (its labels), so a metrics
   * backend can look its meters up by it.
   */
  public RequestSample series() {
    return durationNanos == 0 ? this : withOutcome(responseCode, 0);
  }

  private static String orUnknown(String value) {
    return value == null || value.isEmpty() ? UNKNOWN : value;
  }
}
