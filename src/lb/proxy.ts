// Forwards one HTTP/1.1 request to a target and streams the answer back, never buffering a body. Errors map as
// ALB's do ("Troubleshoot your Application Load Balancers"): 502 when the connection is refused or reset or the
// answer is malformed, 504 when the target says nothing for the load balancer's idle timeout. A request that
// found a pooled keep-alive socket already closed by the target is retried once when it has no body.
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { OutgoingHttpHeaders } from 'node:http';
import { downstreamHeaders, upstreamHeaders } from './forwarded-headers.ts';
import { errorPage, type SelfAnswer } from './error-pages.ts';
import type { PoolTarget, TargetPool } from './pool.ts';

export interface ProxyContext {
  req: IncomingMessage;
  res: ServerResponse;
  pool: TargetPool;
  target: PoolTarget;
  /** Set-Cookie values stickiness adds to the answer. */
  setCookies: string[];
  protocol: 'http' | 'https';
  /** The port the client connected to. */
  port: number;
  clientIp: string;
  traceId: string;
  idleTimeoutMs: number;
  /** Logs a failed request (throttled by the caller). */
  log: (message: string) => void;
}

export function sendAnswer(res: ServerResponse, answer: SelfAnswer, extraHeaders: OutgoingHttpHeaders = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(answer.status, { ...answer.headers, ...extraHeaders, 'content-length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
}

/** A request without Content-Length or Transfer-Encoding has no body (RFC 9112 §6.3), so a retry cannot lose one. */
function hasNoBody(req: IncomingMessage): boolean {
  return req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined;
}

export function proxyRequest(ctx: ProxyContext, retried = false): void {
  const { req, res, pool, target } = ctx;
  let finished = false;
  const abort = () => {
    upstream.destroy();
    res.destroy();
  };
  const release = pool.track(target, abort);
  const done = () => {
    finished = true;
    release();
  };
  const headers = upstreamHeaders(req.headers, { clientIp: ctx.clientIp, protocol: ctx.protocol, port: ctx.port, traceId: ctx.traceId });
  const options = { host: target.address, port: target.port, method: req.method ?? 'GET', path: req.url ?? '/', headers, agent: target.agent };
  const upstream = target.agent instanceof HttpsAgent ? httpsRequest(options) : httpRequest(options);
  let timedOut = false;
  upstream.setTimeout(ctx.idleTimeoutMs, () => {
    timedOut = true;
    if (!res.headersSent) sendAnswer(res, errorPage(504));
    upstream.destroy();
    if (res.headersSent) res.destroy();
  });
  upstream.on('response', (answer) => {
    const out = downstreamHeaders(answer.headers);
    const cookies = [...ctx.setCookies, ...pool.responseCookies(target, answer.headers['set-cookie'], ctx.protocol === 'https')];
    if (cookies.length > 0) out['set-cookie'] = [...(answer.headers['set-cookie'] ?? []), ...cookies];
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, out);
    answer.pipe(res);
    answer.on('error', () => res.destroy());
    answer.on('end', done);
  });
  upstream.on('error', (error: NodeJS.ErrnoException) => {
    if (finished) return;
    if (!timedOut && !retried && upstream.reusedSocket && !res.headersSent && hasNoBody(req) && error.code === 'ECONNRESET') {
      release();
      proxyRequest(ctx, true);
      return;
    }
    if (!timedOut) {
      ctx.log(`request ${ctx.traceId} to target ${target.address}:${target.port} failed: ${error.code ?? error.message}`);
      sendAnswer(res, errorPage(502));
    }
    done();
  });
  // The client went away (or the answer ended): nothing more to send either way.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
    done();
  });
  // A body-less request (or its retry, after the first attempt consumed the request) ends at once.
  if (retried || hasNoBody(req)) upstream.end();
  else req.pipe(upstream);
}
