package io.inboard.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GrpcStatusTest {
  @Test
  void namesAndCodesReadBothWays() {
    assertThat(GrpcStatus.parse("UNAVAILABLE")).isEqualTo(14);
    assertThat(GrpcStatus.parse("resource_exhausted")).isEqualTo(8);
    assertThat(GrpcStatus.parse("deadline-exceeded")).isEqualTo(4);
    assertThat(GrpcStatus.parse("16")).isEqualTo(16);
    assertThat(GrpcStatus.parse("17")).isEqualTo(-1);
    assertThat(GrpcStatus.parse("UNAVAILBLE")).isEqualTo(-1);
    assertThat(GrpcStatus.parse("")).isEqualTo(-1);
    assertThat(GrpcStatus.name(14)).isEqualTo("UNAVAILABLE");
    assertThat(GrpcStatus.name(99)).isEqualTo("99");
  }

  @Test
  void httpStatusesMapAsEnvoyMapsThemForAGrpcClient() {
    assertThat(GrpcStatus.fromHttp(404)).isEqualTo(12); // UNIMPLEMENTED
    assertThat(GrpcStatus.fromHttp(503)).isEqualTo(GrpcStatus.UNAVAILABLE);
    assertThat(GrpcStatus.fromHttp(504)).isEqualTo(GrpcStatus.UNAVAILABLE);
    assertThat(GrpcStatus.fromHttp(429)).isEqualTo(GrpcStatus.UNAVAILABLE);
    assertThat(GrpcStatus.fromHttp(400)).isEqualTo(GrpcStatus.INTERNAL);
    assertThat(GrpcStatus.fromHttp(401)).isEqualTo(16);
    assertThat(GrpcStatus.fromHttp(403)).isEqualTo(7);
    assertThat(GrpcStatus.fromHttp(500)).isEqualTo(GrpcStatus.UNKNOWN);
    assertThat(GrpcStatus.fromHttp(421)).isEqualTo(GrpcStatus.UNKNOWN);
  }

  @Test
  void grpcCodesMapToTheHttpStatusEnvoyGivesOtherClients() {
    assertThat(GrpcStatus.toHttp(GrpcStatus.UNAVAILABLE)).isEqualTo(503);
    assertThat(GrpcStatus.toHttp(8)).isEqualTo(429);
    assertThat(GrpcStatus.toHttp(GrpcStatus.DEADLINE_EXCEEDED)).isEqualTo(504);
    assertThat(GrpcStatus.toHttp(GrpcStatus.CANCELLED)).isEqualTo(499);
    assertThat(GrpcStatus.toHttp(GrpcStatus.OK)).isEqualTo(200);
    assertThat(GrpcStatus.toHttp(42)).isEqualTo(500);
  }

  @Test
  void grpcContentTypesAreTold() {
    assertThat(GrpcStatus.isGrpcContentType("application/grpc")).isTrue();
    assertThat(GrpcStatus.isGrpcContentType("application/grpc+proto")).isTrue();
    assertThat(GrpcStatus.isGrpcContentType("Application/GRPC; charset=utf-8")).isTrue();
    assertThat(GrpcStatus.isGrpcContentType("application/grpc-web")).isFalse();
    assertThat(GrpcStatus.isGrpcContentType("application/grpcx")).isFalse();
    assertThat(GrpcStatus.isGrpcContentType("application/json")).isFalse();
    assertThat(GrpcStatus.isGrpcContentType(null)).isFalse();
  }
}
