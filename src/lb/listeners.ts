// The sockets the data plane listens on, one server per (address, port) for HTTP and HTTPS (shared by every
// application load balancer with a listener on that port, dispatched by Host, certificates picked by SNI) and
// one per load balancer and port for network load balancers. reconcile() opens, updates and closes servers to
// match the configuration; a port that cannot be bound falls back to an ephemeral one (bind.ts). State lives
// here: each server, the port it really got, and which listeners were told about it.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createSecureContext, createServer as createTlsServer, type SecureContext, type Server as TlsServer } from 'node:tls';
import type { PlaneReport } from './plane.ts';
import { bindWithFallback } from './bind.ts';
import { HttpFrontend, type FrontendDeps, type FrontendRoute } from './http-frontend.ts';
import type { TargetPool } from './pool.ts';
import { proxyTcp, type TcpRoute } from './tcp-proxy.ts';

export interface Pem {
  certificatePem: string;
  privateKeyPem: string;
}

interface ServerListener {
  arn: string;
  loadBalancerArn: string;
  port: number;
}

export type DesiredServer =
  | { key: string; kind: 'http' | 'https'; port: number; listeners: ServerListener[]; routes: FrontendRoute[]; keepAliveMs: number; certificates?: Map<string, Pem> }
  | { key: string; kind: 'tcp' | 'tls'; port: number; listeners: ServerListener[]; route: TcpRoute; certificates?: Map<string, Pem> };

interface Entry {
  desired: DesiredServer;
  server: Server;
  frontend?: HttpFrontend;
  sockets: Set<Socket>;
  /** The port it listens on once bound. */
  port?: number;
  failed?: string;
  /** Listener ARN → the port its last 'bound' report gave. */
  reported: Map<string, number>;
  /** SNI: DNS name → context, and the default for clients that send no name. */
  contexts: Map<string, SecureContext>;
}

export interface ListenerServersOptions {
  host: string;
  report: (report: PlaneReport) => void;
  log: (message: string) => void;
  frontend: FrontendDeps;
  pool: (arn: string) => TargetPool | undefined;
  random: () => number;
}

export class ListenerServers {
  readonly #options: ListenerServersOptions;
  readonly #entries = new Map<string, Entry>();

  constructor(options: ListenerServersOptions) {
    this.#options = options;
  }

  reconcile(desired: readonly DesiredServer[]): void {
    const wanted = new Map(desired.map((d) => [d.key, d]));
    for (const [key, entry] of this.#entries) {
      if (wanted.has(key)) continue;
      this.#entries.delete(key);
      void this.#closeEntry(entry);
    }
    for (const spec of desired) {
      const existing = this.#entries.get(spec.key);
      if (existing) this.#update(existing, spec);
      else this.#open(spec);
    }
  }

  /** Where `port` of a load balancer really listens (itself when bound as asked or unknown). */
  boundPort(loadBalancerArn: string, port: number): number {
    for (const entry of this.#entries.values()) {
      if (entry.desired.port === port && entry.port !== undefined && entry.desired.listeners.some((l) => l.loadBalancerArn === loadBalancerArn)) return entry.port;
    }
    return port;
  }

  async close(): Promise<void> {
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    await Promise.all(entries.map((entry) => this.#closeEntry(entry)));
  }

  #open(spec: DesiredServer): void {
    const entry: Entry = { desired: spec, server: undefined as unknown as Server, sockets: new Set(), reported: new Map(), contexts: new Map() };
    if ((spec.kind === 'https' || spec.kind === 'tls') && !this.#setContexts(entry, spec)) return;
    entry.server = this.#createServer(entry);
    entry.server.on('connection', (socket: Socket) => {
      entry.sockets.add(socket);
      socket.on('close', () => entry.sockets.delete(socket));
    });
    this.#entries.set(spec.key, entry);
    this.#update(entry, spec);
    void bindWithFallback(entry.server, this.#options.host, spec.port).then((result) => {
      if (this.#entries.get(spec.key) !== entry) {
        entry.server.close();
        return;
      }
      if (!result.ok) {
        entry.failed = result.message;
        this.#options.log(`cannot listen for ${describe(entry.desired)}: ${result.message}`);
        for (const listener of entry.desired.listeners) {
          this.#options.report({ kind: 'bind-failed', listenerArn: listener.arn, requestedPort: listener.port, message: result.message });
        }
        return;
      }
      entry.port = result.port;
      if (result.fallbackReason !== undefined) {
        this.#options.log(`port ${spec.port} on ${this.#options.host} could not be bound (${result.fallbackReason}): ${describe(entry.desired)} listens on ${this.#options.host}:${result.port} instead`);
      }
      this.#reportBound(entry);
    });
  }

  #update(entry: Entry, spec: DesiredServer): void {
    entry.desired = spec;
    if (spec.kind === 'http' || spec.kind === 'https') {
      entry.frontend?.setRoutes(spec.routes);
      const server = entry.server as HttpServer;
      server.keepAliveTimeout = spec.keepAliveMs;
      server.headersTimeout = Math.max(60_000, spec.keepAliveMs + 1000);
    }
    if (spec.kind === 'https' || spec.kind === 'tls') this.#setContexts(entry, spec);
    if (entry.port !== undefined) this.#reportBound(entry);
  }

  #createServer(entry: Entry): Server {
    const spec = entry.desired;
    const sni = (name: string, callback: (error: Error | null, context?: SecureContext) => void) =>
      callback(null, entry.contexts.get(name.toLowerCase()) ?? entry.contexts.get(''));
    if (spec.kind === 'tcp' || spec.kind === 'tls') {
      const onConnection = (socket: Socket) => {
        const current = entry.desired;
        if (current.kind === 'tcp' || current.kind === 'tls') proxyTcp(socket, current.route, this.#options.pool, this.#options.random);
        else socket.destroy();
      };
      if (spec.kind === 'tcp') return createNetServer(onConnection);
      const server: TlsServer = createTlsServer({ SNICallback: sni }, onConnection);
      server.on('tlsClientError', () => undefined);
      return server;
    }
    const frontend = new HttpFrontend(spec.kind, this.#options.frontend);
    entry.frontend = frontend;
    const server: HttpServer = spec.kind === 'https' ? createHttpsServer({ SNICallback: sni }, frontend.handleRequest) : createHttpServer(frontend.handleRequest);
    server.on('upgrade', frontend.handleUpgrade);
    // A malformed request gets a 400 and the connection closes; nothing a client sends reaches an exception.
    server.on('clientError', (_error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy();
    });
    if (spec.kind === 'https') server.on('tlsClientError', () => undefined);
    // Long uploads and streams are bounded by the idle timeout toward the target, not by a total request time.
    server.requestTimeout = 0;
    return server;
  }

  /** The SNI contexts of an HTTPS/TLS server; false (and a bind-failed report) when there is no certificate. */
  #setContexts(entry: Entry, spec: DesiredServer): boolean {
    const contexts = new Map<string, SecureContext>();
    try {
      for (const [name, pem] of spec.certificates ?? []) {
        const context = createSecureContext({ cert: pem.certificatePem, key: pem.privateKeyPem });
        contexts.set(name.toLowerCase(), context);
        if (!contexts.has('')) contexts.set('', context);
      }
    } catch (error) {
      this.#failListeners(spec, `the certificate or key cannot be used: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
    if (!contexts.has('')) {
      this.#failListeners(spec, `${spec.kind.toUpperCase()} listener has no certificate`);
      return false;
    }
    entry.contexts = contexts;
    return true;
  }

  #failListeners(spec: DesiredServer, message: string): void {
    this.#options.log(`cannot listen for ${describe(spec)}: ${message}`);
    for (const listener of spec.listeners) this.#options.report({ kind: 'bind-failed', listenerArn: listener.arn, requestedPort: listener.port, message });
  }

  #reportBound(entry: Entry): void {
    const port = entry.port;
    if (port === undefined) return;
    for (const listener of entry.desired.listeners) {
      if (entry.reported.get(listener.arn) === port) continue;
      entry.reported.set(listener.arn, port);
      this.#options.report({ kind: 'bound', listenerArn: listener.arn, requestedPort: listener.port, port, address: this.#options.host });
    }
  }

  #closeEntry(entry: Entry): Promise<void> {
    return new Promise((resolve) => {
      if (!entry.server) return resolve();
      entry.server.close(() => resolve());
      for (const socket of entry.sockets) socket.destroy();
      if (!entry.server.listening) resolve();
    });
  }
}

function describe(spec: DesiredServer): string {
  return `${spec.kind.toUpperCase()} port ${spec.port} (${spec.listeners.map((l) => l.arn).join(', ')})`;
}
