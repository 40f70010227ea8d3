// Upgrade requests (WebSocket) go to the target as a raw socket: the request head is written with the
// forwarding headers, then bytes flow both ways untouched, the target's 101 answer included. Such a connection
// counts against the target until it closes (draining waits for it) and is cut after the idle timeout.
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { upstreamHeaders } from './forwarded-headers.ts';
import { errorPage, type SelfAnswer } from './error-pages.ts';
import type { PoolTarget, TargetPool } from './pool.ts';

export interface UpgradeContext {
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  pool: TargetPool;
  target: PoolTarget;
  protocol: 'http' | 'https';
  port: number;
  clientIp: string;
  traceId: string;
  idleTimeoutMs: number;
}

/** Writes an answer on a socket the HTTP server no longer manages, then closes it. */
export function writeRawAnswer(socket: Duplex, answer: SelfAnswer, extra: Record<string, string> = {}): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const headers = { ...answer.headers, ...extra, 'content-length': String(Buffer.byteLength(answer.body)), connection: 'close' };
  const head = [`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  socket.end(`${head}\r\n\r\n${answer.body}`);
}

export function proxyUpgrade(ctx: UpgradeContext, tlsToTarget: boolean): void {
  const { req, socket, target } = ctx;
  const local = target.sourceAddress !== undefined ? { localAddress: target.sourceAddress } : {};
  const upstream: Socket = tlsToTarget
    ? tlsConnect({ host: target.address, port: target.port, rejectUnauthorized: false, ...local })
    : connect({ host: target.address, port: target.port, ...local });
  const release = ctx.pool.track(target, () => { upstream.destroy(); socket.destroy(); }, true);
  let connected = false;
  upstream.once(tlsToTarget ? 'secureConnect' : 'connect', () => {
    connected = true;
    const headers = { ...upstreamHeaders(req.headers, ctx), ...keepUpgrade(req) };
    const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1`];
    for (const [name, value] of Object.entries(headers)) {
      for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) lines.push(`${name}: ${String(v)}`);
    }
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (ctx.head.length > 0) upstream.write(ctx.head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  upstream.setTimeout(ctx.idleTimeoutMs, () => {
    if (!connected) writeRawAnswer(socket, errorPage(504));
    upstream.destroy();
    socket.destroy();
  });
  upstream.on('error', () => {
    if (!connected) writeRawAnswer(socket, errorPage(502));
    else socket.destroy();
  });
  socket.on('error', () => upstream.destroy());
  upstream.on('close', () => {
    if (connected) socket.destroy();
    release();
  });
  socket.on('close', () => {
    upstream.destroy();
    release();
  });
}

/** The Connection and Upgrade headers an upgrade must keep (endToEndHeaders drops them for plain requests). */
function keepUpgrade(req: IncomingMessage): Record<string, string> {
  return { connection: 'Upgrade', upgrade: String(req.headers.upgrade ?? 'websocket') };
}
