// One health check against one target, as ALB sends it: HTTP(S) GET of the path (any certificate accepted, as
// ALB does not verify targets' certificates) or a TCP connect, from the load balancer's source address, failed
// after the timeout. Never throws: every outcome is a ProbeResult.
import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { ProbeResult } from './target-health.ts';

export interface ProbeSpec {
  protocol: 'HTTP' | 'HTTPS' | 'TCP';
  address: string;
  port: number;
  path: string;
  timeoutMs: number;
  matcher: (status: number) => boolean;
  localAddress?: string;
}

export type Probe = (spec: ProbeSpec) => Promise<ProbeResult>;

/** ALB's health checker announces itself so (seen in targets' access logs). */
export const HEALTH_CHECK_USER_AGENT = 'ELB-HealthChecker/2.0';

export const probeTarget: Probe = (spec) => new Promise<ProbeResult>((resolve) => {
  let settled = false;
  let timer: NodeJS.Timeout | undefined;
  const finish = (result: ProbeResult, cleanup: () => void) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    cleanup();
    resolve(result);
  };
  const local = spec.localAddress !== undefined ? { localAddress: spec.localAddress } : {};
  if (spec.protocol === 'TCP') {
    const socket = connect({ host: spec.address, port: spec.port, ...local });
    const done = (result: ProbeResult) => finish(result, () => socket.destroy());
    socket.once('connect', () => done({ ok: true }));
    socket.once('error', () => done({ ok: false, failure: 'connection' }));
    timer = setTimeout(() => done({ ok: false, failure: 'timeout' }), spec.timeoutMs);
    return;
  }
  const options = {
    host: spec.address, port: spec.port, path: spec.path, method: 'GET', agent: false as const, ...local,
    headers: { 'user-agent': HEALTH_CHECK_USER_AGENT, host: spec.address.includes(':') ? `[${spec.address}]:${spec.port}` : `${spec.address}:${spec.port}`, connection: 'close' },
  };
  const req: ClientRequest = spec.protocol === 'HTTPS' ? httpsRequest({ ...options, rejectUnauthorized: false }) : httpRequest(options);
  const done = (result: ProbeResult) => finish(result, () => req.destroy());
  req.once('response', (res) => {
    res.resume();
    done(spec.matcher(res.statusCode ?? 0) ? { ok: true } : { ok: false, failure: 'code-mismatch', status: res.statusCode ?? 0 });
  });
  req.once('error', () => done({ ok: false, failure: 'connection' }));
  req.end();
  timer = setTimeout(() => done({ ok: false, failure: 'timeout' }), spec.timeoutMs);
});
