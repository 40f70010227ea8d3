// The request side of an HTTP or HTTPS listener port, which several application load balancers may share: it
// picks the load balancer by Host (its DNS name, port stripped, case-insensitive; the only one when the Host
// names none), runs its listener's rules, and carries out the outcome: forward (proxy.ts, upgrade.ts),
// fixed-response, redirect, or one of the load balancer's own error pages.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { outcomeOf, pickWeighted, type Outcome } from './actions.ts';
import { unwrapMappedIpv4, type RequestFacts } from './conditions.ts';
import { errorPage, unknownHostPage, type SelfAnswer } from './error-pages.ts';
import type { PoolTarget, TargetPool } from './pool.ts';
import { proxyRequest, sendAnswer } from './proxy.ts';
import { redirectLocation } from './redirect.ts';
import { matchRule, type CompiledRules } from './rules.ts';
import { decodeSticky, GROUP_COOKIE, parseCookies, stickyCookies } from './selection/stickiness.ts';
import { proxyUpgrade, writeRawAnswer } from './upgrade.ts';

export interface FrontendRoute {
  loadBalancerArn: string;
  dnsName: string;
  idleTimeoutMs: number;
  listenerArn: string;
  rules: CompiledRules;
}

export interface FrontendDeps {
  pool: (targetGroupArn: string) => TargetPool | undefined;
  /** A number in [0, 1): weighted target groups. */
  random: () => number;
  traceId: () => string;
  now: () => number;
  /** Where a listener port of a load balancer really listens (redirects to a port Berth bound elsewhere). */
  boundPort: (loadBalancerArn: string, port: number) => number;
  /** Logs, throttled per key. */
  log: (key: string, message: string) => void;
}

type Decision =
  | { kind: 'answer'; answer: SelfAnswer; headers?: OutgoingHttpHeaders }
  | { kind: 'forward'; route: FrontendRoute; pool: TargetPool; target: PoolTarget; setCookies: string[] };

export class HttpFrontend {
  readonly #protocol: 'http' | 'https';
  readonly #deps: FrontendDeps;
  #routes = new Map<string, FrontendRoute>();

  constructor(protocol: 'http' | 'https', deps: FrontendDeps) {
    this.#protocol = protocol;
    this.#deps = deps;
  }

  setRoutes(routes: readonly FrontendRoute[]): void {
    this.#routes = new Map(routes.map((r) => [r.dnsName.toLowerCase(), r]));
  }

  /** The load balancers served here (their DNS names): for the log and for the unknown-host page. */
  get names(): string[] {
    return [...this.#routes.keys()];
  }

  readonly handleRequest = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      const decision = this.#decide(req);
      if (decision.kind === 'answer') {
        sendAnswer(res, decision.answer, decision.headers);
        return;
      }
      proxyRequest({
        req, res, pool: decision.pool, target: decision.target, setCookies: decision.setCookies, protocol: this.#protocol,
        port: req.socket.localPort ?? 0, clientIp: clientIp(req), traceId: this.#deps.traceId(), idleTimeoutMs: decision.route.idleTimeoutMs,
        log: (message) => this.#deps.log(`${decision.route.loadBalancerArn}|${decision.target.key}`, message),
      });
    } catch (error) {
      this.#deps.log('internal', `internal error answering ${req.method} ${req.url}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      sendAnswer(res, errorPage(500));
    }
  };

  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    try {
      const decision = this.#decide(req);
      if (decision.kind === 'answer') {
        writeRawAnswer(socket, decision.answer, Object.fromEntries(Object.entries(decision.headers ?? {}).map(([k, v]) => [k, String(v)])));
        return;
      }
      proxyUpgrade({
        req, socket, head, pool: decision.pool, target: decision.target, protocol: this.#protocol, port: req.socket.localPort ?? 0,
        clientIp: clientIp(req), traceId: this.#deps.traceId(), idleTimeoutMs: decision.route.idleTimeoutMs,
      }, decision.pool.protocol === 'HTTPS');
    } catch (error) {
      this.#deps.log('internal', `internal error upgrading ${req.method} ${req.url}: ${error instanceof Error ? error.message : String(error)}`);
      writeRawAnswer(socket, errorPage(500));
    }
  };

  #decide(req: IncomingMessage): Decision {
    const facts = requestFacts(req);
    const route = this.#routes.get(facts.host.toLowerCase()) ?? (this.#routes.size === 1 ? [...this.#routes.values()][0] : undefined);
    if (!route) return { kind: 'answer', answer: unknownHostPage(facts.host, req.socket.localPort ?? 0, this.names) };
    const outcome = outcomeOf(matchRule(route.rules, facts).actions);
    return this.#carryOut(outcome, route, facts, req);
  }

  #carryOut(outcome: Outcome, route: FrontendRoute, facts: RequestFacts, req: IncomingMessage): Decision {
    switch (outcome.kind) {
      case 'unsupported':
        return { kind: 'answer', answer: errorPage(500, `Berth's load balancer does not support the ${outcome.type} action`) };
      case 'fixed-response':
        return {
          kind: 'answer',
          answer: { status: outcome.statusCode, headers: { 'content-type': outcome.contentType ?? 'text/plain; charset=utf-8', server: 'awselb/2.0' }, body: outcome.body ?? '' },
        };
      case 'redirect': {
        const port = req.socket.localPort ?? 0;
        const { status, location } = redirectLocation(outcome.config, {
          protocol: this.#protocol, host: facts.host, port, path: facts.path, query: facts.query,
        }, (p) => this.#deps.boundPort(route.loadBalancerArn, p));
        return { kind: 'answer', answer: errorPage(status), headers: { location } };
      }
      case 'forward':
        return this.#forward(outcome, route, req);
    }
  }

  #forward(outcome: Extract<Outcome, { kind: 'forward' }>, route: FrontendRoute, req: IncomingMessage): Decision {
    const cookies = parseCookies(req.headers.cookie);
    const pinnedArn = outcome.stickiness ? decodeSticky(cookies.get(GROUP_COOKIE)) : undefined;
    const group = outcome.groups.find((g) => g.arn === pinnedArn && g.weight > 0) ?? pickWeighted(outcome.groups, this.#deps.random());
    const pool = group === undefined ? undefined : this.#deps.pool(group.arn);
    if (!group || !pool) return { kind: 'answer', answer: errorPage(503) };
    const choice = pool.choose(cookies, this.#protocol === 'https');
    if (choice.kind === 'no-targets') return { kind: 'answer', answer: errorPage(503) };
    const groupCookies = outcome.stickiness
      ? stickyCookies(GROUP_COOKIE, group.arn, outcome.stickiness.durationSeconds, this.#deps.now(), this.#protocol === 'https')
      : [];
    return { kind: 'forward', route, pool, target: choice.target, setCookies: [...choice.setCookies, ...groupCookies] };
  }
}

function clientIp(req: IncomingMessage): string {
  return unwrapMappedIpv4(req.socket.remoteAddress ?? '');
}

/** What rules look at: the request line's path and query, and the Host without its port. */
export function requestFacts(req: IncomingMessage): RequestFacts {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: req.method ?? 'GET',
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? '' : url.slice(q + 1),
    host: hostWithoutPort(req.headers.host ?? ''),
    headers: req.headers,
    sourceIp: clientIp(req),
  };
}

/** `Name.example:8080` → `Name.example`; `[::1]:80` → `::1`; a trailing dot goes. */
export function hostWithoutPort(host: string): string {
  let name = host.trim();
  if (name.startsWith('[')) name = name.slice(1, name.indexOf(']') === -1 ? undefined : name.indexOf(']'));
  else if (name.includes(':') && name.indexOf(':') === name.lastIndexOf(':')) name = name.slice(0, name.indexOf(':'));
  return name.replace(/\.$/, '');
}
