// The one HTTP listener: Berth's own endpoints under /_berth/, everything else to the AWS dispatcher.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dispatcher } from '../aws/dispatcher.ts';
import { AwsError } from '../aws/errors.ts';
import type { RawRequest, RawResponse } from '../aws/protocol/wire.ts';
import type { HttpRoute } from './http-route.ts';

export interface HealthReport {
  status: 'ok';
  [part: string]: unknown;
}

export interface HttpServerDeps {
  dispatcher: Dispatcher;
  /** Data-plane endpoints tried, in order, before the AWS APIs. */
  routes: readonly HttpRoute[];
  maxRequestBytes: number;
  health: () => HealthReport;
  log: (message: string) => void;
}

export class HttpServer {
  readonly #deps: HttpServerDeps;
  readonly #server: Server;

  constructor(deps: HttpServerDeps) {
    this.#deps = deps;
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        deps.log(`unhandled error serving ${req.method ?? ''} ${req.url ?? ''}: ${String(error)}`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal error');
      });
    });
    this.#server.keepAliveTimeout = 65_000;
  }

  async listen(port: number, host: string): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    return this.#server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    this.#server.closeIdleConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/_berth/health' && req.method === 'GET') {
      send(res, { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(this.#deps.health()) });
      return;
    }
    const route = this.#deps.routes.find((r) => r.matches(req.method ?? 'GET', url.pathname));
    if (route) {
      await route.handle(req, res);
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const request: RawRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, body: Buffer.alloc(0) };
    const body = await readBody(req, this.#deps.maxRequestBytes);
    if (body === 'too-large') {
      const error = new AwsError({ code: 'RequestEntityTooLarge', httpStatus: 413, senderFault: true,
        message: `The request body is larger than the ${this.#deps.maxRequestBytes}-byte limit.` });
      res.setHeader('connection', 'close');
      send(res, this.#deps.dispatcher.reject(request, error));
      return;
    }
    request.body = body;
    send(res, await this.#deps.dispatcher.handle(request));
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, response: RawResponse): void {
  const body = typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body;
  res.writeHead(response.status, { ...response.headers, 'content-length': String(body.length) });
  res.end(body);
}
