// A container definition's healthCheck resolved into what the health monitor runs: the argv to exec
// inside the container and the timings in milliseconds, with the HealthCheck API reference's defaults
// (interval 30 s, timeout 5 s, retries 3, startPeriod off). Pure.
import type { HealthCheck } from '@aws-sdk/client-ecs';

export interface HealthCheckSpec {
  /** What runs inside the container: the CMD's argv, or `/bin/sh -c <text>` for CMD-SHELL. */
  argv: string[];
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
}

export const DEFAULT_INTERVAL_S = 30;
export const DEFAULT_TIMEOUT_S = 5;
export const DEFAULT_RETRIES = 3;

/**
 * The spec of a definition's healthCheck, or undefined when it has none or nothing can run.
 * `["CMD", exe, args…]` runs exe directly; `["CMD-SHELL", text]` runs the text with the container's default
 * shell (Docker's `/bin/sh -c`). Any other first word gets no probe, as in Docker (moby getProbe: "Unknown
 * healthcheck type"): such a container keeps a health check that never reports, so it stays UNKNOWN.
 */
export function resolveHealthCheck(check: HealthCheck | undefined): HealthCheckSpec | undefined {
  const command = check?.command;
  if (!check || !command || command.length === 0) return undefined;
  const [kind, ...rest] = command;
  let argv: string[];
  if (kind === 'CMD') argv = rest;
  else if (kind === 'CMD-SHELL') argv = ['/bin/sh', '-c', rest.join(' ')];
  else return undefined;
  if (argv.length === 0 || argv[0] === '') return undefined;
  const seconds = (value: number | undefined, fallback: number) => (value !== undefined && value > 0 ? value : fallback) * 1000;
  return {
    argv,
    intervalMs: seconds(check.interval, DEFAULT_INTERVAL_S),
    timeoutMs: seconds(check.timeout, DEFAULT_TIMEOUT_S),
    retries: check.retries !== undefined && check.retries > 0 ? check.retries : DEFAULT_RETRIES,
    startPeriodMs: (check.startPeriod ?? 0) * 1000,
  };
}
