// A target group's protocol and health-check settings: AWS's defaults for each protocol (CreateTargetGroup
// in the ELBv2 API reference) and the checks CreateTargetGroup and ModifyTargetGroup make.
import type { Matcher, TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ValidationError } from './errors.ts';

/** The protocols Berth's data plane serves for targets; GENEVE (gateway load balancers) and QUIC are not. */
export const TARGET_PROTOCOLS = ['HTTP', 'HTTPS', 'TCP', 'TLS', 'UDP', 'TCP_UDP'] as const;

/** HTTP and HTTPS groups serve Application Load Balancers; the others Network Load Balancers. */
export function isApplicationProtocol(protocol: string | undefined): boolean {
  return protocol === 'HTTP' || protocol === 'HTTPS';
}

/** The health-check members a request may carry (CreateTargetGroup and ModifyTargetGroup share them). */
export interface HealthCheckRequest {
  HealthCheckProtocol?: string | undefined;
  HealthCheckPort?: string | undefined;
  HealthCheckEnabled?: boolean | undefined;
  HealthCheckPath?: string | undefined;
  HealthCheckIntervalSeconds?: number | undefined;
  HealthCheckTimeoutSeconds?: number | undefined;
  HealthyThresholdCount?: number | undefined;
  UnhealthyThresholdCount?: number | undefined;
  Matcher?: Matcher | undefined;
}

type HealthCheck = Pick<TargetGroup, 'HealthCheckProtocol' | 'HealthCheckPort' | 'HealthCheckEnabled' | 'HealthCheckPath'
  | 'HealthCheckIntervalSeconds' | 'HealthCheckTimeoutSeconds' | 'HealthyThresholdCount' | 'UnhealthyThresholdCount' | 'Matcher'>;

/**
 * Checks a Matcher's HttpCode: single codes, comma lists and ranges ("200", "200,202", "200-299"), each
 * within 200–499 for HTTP and HTTPS groups and 200–599 for the others (API reference, Matcher).
 */
export function checkHttpCodes(codes: string, targetProtocol: string | undefined): void {
  const [low, high] = isApplicationProtocol(targetProtocol) ? [200, 499] : [200, 599];
  const parts = codes.split(',');
  for (const part of parts) {
    const match = /^(\d{3})(?:-(\d{3}))?$/.exec(part.trim());
    const from = Number(match?.[1]);
    const to = match?.[2] === undefined ? from : Number(match[2]);
    // Not verified: the wording; AWS answers ValidationError for a code or range outside the group's range.
    if (!match || from < low || to > high || from > to) {
      throw new ValidationError(`Health check matcher HTTP code '${codes}' must be within '${low}-${high}' inclusive`);
    }
  }
}

function checkGrpcCodes(codes: string): void {
  for (const part of codes.split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    const from = Number(match?.[1]);
    const to = match?.[2] === undefined ? from : Number(match[2]);
    // "The valid values are from 0 to 99" (Matcher.GrpcCode). Not verified: the wording.
    if (!match || from > 99 || to > 99 || from > to) throw new ValidationError(`Health check matcher gRPC code '${codes}' must be within '0-99' inclusive`);
  }
}

/**
 * The health check a group ends up with: `current` (ModifyTargetGroup) or AWS's defaults for its protocol
 * (CreateTargetGroup), changed by the request, and checked as a whole.
 */
export function resolveHealthCheck(request: HealthCheckRequest, group: Pick<TargetGroup, 'Protocol' | 'ProtocolVersion' | 'TargetType'>,
  current?: HealthCheck): HealthCheck {
  const targetProtocol = group.Protocol;
  const application = isApplicationProtocol(targetProtocol);
  const protocol = request.HealthCheckProtocol ?? current?.HealthCheckProtocol ?? (application ? targetProtocol : 'TCP') ?? 'TCP';
  // "The GENEVE, TLS, UDP, TCP_UDP, QUIC, and TCP_QUIC protocols are not supported for health checks."
  if (!['HTTP', 'HTTPS', 'TCP'].includes(protocol)) throw new ValidationError(`Health check protocol '${protocol}' is not supported`);
  // "The TCP protocol is not supported for health checks if the protocol of the target group is HTTP or HTTPS."
  if (application && protocol === 'TCP') throw new ValidationError(`Health check protocol 'TCP' is not supported for target groups with the '${targetProtocol ?? ''}' protocol`);
  const httpCheck = protocol !== 'TCP';
  const port = request.HealthCheckPort ?? current?.HealthCheckPort ?? 'traffic-port';
  if (port !== 'traffic-port' && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    // Not verified: the wording.
    throw new ValidationError(`Health check port '${port}' must be 'traffic-port' or a port number from 1 to 65535`);
  }
  // "If the target type is instance, ip, or alb, health checks are always enabled and can't be disabled."
  if (request.HealthCheckEnabled === false) throw new ValidationError(`Health checks cannot be disabled for target groups with target type '${group.TargetType ?? 'instance'}'`);
  const grpc = group.ProtocolVersion === 'GRPC';
  let path: string | undefined;
  if (httpCheck) {
    path = request.HealthCheckPath ?? (current?.HealthCheckProtocol === 'TCP' ? undefined : current?.HealthCheckPath) ?? (grpc ? '/AWS.ALB/healthcheck' : '/');
    // Not verified: the wording; a ping path starts with '/'.
    if (!path.startsWith('/')) throw new ValidationError(`Health check path '${path}' must begin with a '/' character`);
  } else if (request.HealthCheckPath !== undefined) {
    // Not verified: the wording.
    throw new ValidationError('Health check path cannot be set with the TCP health check protocol');
  }
  const interval = request.HealthCheckIntervalSeconds ?? current?.HealthCheckIntervalSeconds ?? 30;
  const timeout = request.HealthCheckTimeoutSeconds ?? (request.HealthCheckProtocol !== undefined && request.HealthCheckProtocol !== current?.HealthCheckProtocol
    ? undefined : current?.HealthCheckTimeoutSeconds) ?? (httpCheck ? 5 : 10);
  // Not verified: the wording; AWS refuses a timeout not shorter than the interval.
  if (timeout >= interval) throw new ValidationError('Health check interval must be greater than the timeout.');
  const matcher = httpCheck ? resolveMatcher(request.Matcher, current?.HealthCheckProtocol === 'TCP' ? undefined : current?.Matcher, targetProtocol, grpc) : undefined;
  if (!httpCheck && request.Matcher !== undefined) {
    // Not verified: the wording; a TCP health check has no response code to match.
    throw new ValidationError('Health check matcher cannot be set with the TCP health check protocol');
  }
  return {
    HealthCheckProtocol: protocol as TargetGroup['HealthCheckProtocol'],
    HealthCheckPort: port,
    HealthCheckEnabled: true,
    ...(path !== undefined ? { HealthCheckPath: path } : {}),
    HealthCheckIntervalSeconds: interval,
    HealthCheckTimeoutSeconds: timeout,
    HealthyThresholdCount: request.HealthyThresholdCount ?? current?.HealthyThresholdCount ?? 5,
    UnhealthyThresholdCount: request.UnhealthyThresholdCount ?? current?.UnhealthyThresholdCount ?? 2,
    ...(matcher ? { Matcher: matcher } : {}),
  };
}

/** HTTP groups match 200 by default, gRPC ones 12; NLB groups with an HTTP check match 200-399 (API reference). */
function resolveMatcher(requested: Matcher | undefined, current: Matcher | undefined, targetProtocol: string | undefined, grpc: boolean): Matcher {
  if (requested?.HttpCode !== undefined) checkHttpCodes(requested.HttpCode, targetProtocol);
  if (requested?.GrpcCode !== undefined) checkGrpcCodes(requested.GrpcCode);
  if (requested?.HttpCode !== undefined || requested?.GrpcCode !== undefined) {
    return requested.GrpcCode !== undefined ? { GrpcCode: requested.GrpcCode } : { HttpCode: requested.HttpCode ?? '200' };
  }
  if (current) return current;
  if (grpc) return { GrpcCode: '12' };
  return { HttpCode: isApplicationProtocol(targetProtocol) ? '200' : '200-399' };
}
