// One bounded HTTP GET for remote registry pulls (node:http/https, no dependency): redirects followed
// (Authorization dropped when the origin changes, as Go's net/http does), every phase under a
// deadline, and failures worded as Go's net/http words them, because containerd's messages (and so
// ECS's CannotPullContainerError texts) carry them: `Get "<url>": dial tcp 10.0.0.5:443: i/o timeout`.
import { request as httpRequest, STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { pipeline, Transform, type Readable } from 'node:stream';

export interface HttpGetOptions {
  headers?: Record<string, string>;
  /** Connecting (TLS included) and receiving the response headers. */
  headersTimeoutMs: number;
  /** The whole exchange, body included (callers size it from the bytes they expect). */
  totalTimeoutMs: number;
  /** The longest pause between two chunks of the body. */
  idleTimeoutMs: number;
}

export interface HttpResponse {
  status: number;
  /** As Go's Response.Status: `404 Not Found`. */
  statusLine: string;
  headers: IncomingHttpHeaders;
  /** Every WWW-Authenticate header, unjoined. */
  challenges: string[];
  /** The URL that answered (after redirects). */
  url: string;
  body: Readable;
}

/** A GET that failed before a response: the message is Go's url.Error text. */
export class RemoteHttpError extends Error {
  override readonly name = 'RemoteHttpError';
  readonly code = 'BTH_REMOTE_HTTP';
}

/** Go's http.Client: "stopped after 10 redirects". */
const MAX_REDIRECTS = 10;

/** GETs `url`, following redirects. Rejects with RemoteHttpError; the body errors likewise past its deadlines. */
export async function httpGet(url: string, options: HttpGetOptions): Promise<HttpResponse> {
  const deadline = Date.now() + options.totalTimeoutMs;
  let current = new URL(url);
  let headers = { ...options.headers };
  for (let hop = 0; ; hop++) {
    const response = await getOnce(current, headers, options, deadline);
    const location = response.headers.location;
    if (![301, 302, 303, 307, 308].includes(response.status) || location === undefined) return response;
    response.body.resume();
    if (hop + 1 >= MAX_REDIRECTS) throw new RemoteHttpError(`Get "${current.href}": stopped after ${MAX_REDIRECTS} redirects`);
    const next = new URL(location, current);
    // Credentials go only to the origin they were meant for (registries redirect blobs to a CDN).
    if (next.origin !== current.origin) {
      const { authorization: _dropped, ...rest } = headers;
      headers = rest;
    }
    current = next;
  }
}

function getOnce(url: URL, headers: Record<string, string>, options: HttpGetOptions, deadline: number): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'GET', headers: { 'user-agent': 'berth', ...headers } });
    let phase: 'dial' | 'tls' | 'headers' = 'dial';
    let socket: Socket | undefined;
    const fail = (message: string) => req.destroy(new RemoteHttpError(`Get "${url.href}": ${message}`));
    const headersTimer = setTimeout(() => {
      if (phase === 'dial') fail(`dial tcp ${socket?.remoteAddress ?? url.hostname}:${port(url)}: i/o timeout`);
      else if (phase === 'tls') fail('net/http: TLS handshake timeout');
      else fail('net/http: timeout awaiting response headers');
    }, Math.min(options.headersTimeoutMs, Math.max(deadline - Date.now(), 0)));
    req.on('socket', (s: Socket) => {
      socket = s;
      // A kept-alive socket is connected already; a new one moves through dial (and TLS) first.
      if (!s.connecting) {
        phase = 'headers';
        return;
      }
      s.once('connect', () => { phase = url.protocol === 'https:' ? 'tls' : 'headers'; });
      if (url.protocol === 'https:') s.once('secureConnect', () => { phase = 'headers'; });
    });
    req.on('error', (error) => {
      clearTimeout(headersTimer);
      reject(error instanceof RemoteHttpError ? error : new RemoteHttpError(`Get "${url.href}": ${goNetText(error, url)}`));
    });
    req.on('response', (res: IncomingMessage) => {
      clearTimeout(headersTimer);
      const status = res.statusCode ?? 0;
      resolve({
        status, statusLine: `${status} ${res.statusMessage || STATUS_CODES[status] || ''}`.trim(), headers: res.headers,
        challenges: res.headersDistinct['www-authenticate'] ?? [], url: url.href, body: bound(res, url, options.idleTimeoutMs, deadline),
      });
    });
    req.end();
  });
}

/**
 * The body, erroring when it stalls longer than `idleMs` or runs past the deadline. The timers
 * are reset as chunks pass through a Transform (listening for 'data' on the response itself would
 * start it flowing before the caller reads).
 */
function bound(res: IncomingMessage, url: URL, idleMs: number, deadline: number): Readable {
  const socket = res.socket;
  const onIdle = () => {
    const local = socket ? `${socket.localAddress ?? ''}:${socket.localPort ?? ''}` : '';
    res.destroy(new RemoteHttpError(`read tcp ${local}->${socket?.remoteAddress ?? url.hostname}:${port(url)}: i/o timeout`));
  };
  let idle = setTimeout(onIdle, idleMs);
  const total = setTimeout(() => {
    res.destroy(new RemoteHttpError('context deadline exceeded (Client.Timeout or context cancellation while reading body)'));
  }, Math.max(deadline - Date.now(), 0));
  const body = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      clearTimeout(idle);
      idle = setTimeout(onIdle, idleMs);
      done(null, chunk);
    },
  });
  return pipeline(res, body, () => {
    clearTimeout(total);
    clearTimeout(idle);
  });
}

function port(url: URL): string {
  return url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
}

/** Node's socket and TLS errors in Go's net words (syscall texts from Linux's strerror, lower case as Go prints them). */
function goNetText(error: unknown, url: URL): string {
  // Node 20 tries every address of a name (autoSelectFamily) and reports them together.
  const first = error instanceof AggregateError && error.errors.length > 0 ? (error.errors[0] as unknown) : error;
  const e = first as NodeJS.ErrnoException & { address?: string; port?: number };
  const target = `${e.address ?? url.hostname}:${e.port ?? port(url)}`;
  switch (e.code ?? (error as NodeJS.ErrnoException).code) {
    case 'ECONNREFUSED': return `dial tcp ${target}: connect: connection refused`;
    case 'EHOSTUNREACH': return `dial tcp ${target}: connect: no route to host`;
    case 'ENETUNREACH': return `dial tcp ${target}: connect: network is unreachable`;
    case 'ETIMEDOUT': return `dial tcp ${target}: i/o timeout`;
    case 'ENOTFOUND': return `dial tcp: lookup ${url.hostname}: no such host`;
    case 'EAI_AGAIN': return `dial tcp: lookup ${url.hostname}: Temporary failure in name resolution`;
    case 'ECONNRESET': return `read tcp ${target}: read: connection reset by peer`;
    case 'ERR_SSL_WRONG_VERSION_NUMBER': return 'http: server gave HTTP response to HTTPS client';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT': case 'SELF_SIGNED_CERT_IN_CHAIN': case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY': case 'CERT_HAS_EXPIRED': case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `tls: failed to verify certificate: x509: ${e.message}`;
    default: return e.message;
  }
}
