// The headers ALB adds to a request before it reaches the target ("HTTP headers and Application Load Balancers",
// "Request tracing"): X-Forwarded-For (appended: the default processing mode), X-Forwarded-Proto and
// X-Forwarded-Port (set), X-Amzn-Trace-Id (Root added, or Self added/updated when a valid Root came in); and the
// hop-by-hop headers (RFC 9110 §7.6.1) that must not travel past this hop.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-authenticate', 'proxy-authorization']);

/** The headers of `headers` that may be forwarded: hop-by-hop ones and those the Connection header names go. */
export function endToEndHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set(String(headers.connection ?? '').toLowerCase().split(',').map((s) => s.trim()).filter(Boolean));
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  return out;
}

export interface ForwardingFacts {
  clientIp: string;
  protocol: 'http' | 'https';
  /** The port the client connected to. */
  port: number;
  /** A fresh trace id (`1-<8 hex epoch seconds>-<24 hex>`), see traceId(). */
  traceId: string;
}

/** The request headers for the target. */
export function upstreamHeaders(headers: IncomingHttpHeaders, facts: ForwardingFacts): OutgoingHttpHeaders {
  const out = endToEndHeaders(headers);
  const forwarded = headers['x-forwarded-for'];
  const previous = Array.isArray(forwarded) ? forwarded.join(', ') : forwarded;
  out['x-forwarded-for'] = previous ? `${previous}, ${facts.clientIp}` : facts.clientIp;
  out['x-forwarded-proto'] = facts.protocol;
  out['x-forwarded-port'] = String(facts.port);
  const trace = headers['x-amzn-trace-id'];
  out['x-amzn-trace-id'] = traceHeader(Array.isArray(trace) ? trace.join(';') : trace, facts.traceId);
  return out;
}

const TRACE_ID = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/i;

/** `1-<epoch seconds, 8 hex>-<24 hex>` from the time and 12 random bytes. */
export function traceId(nowMs: number, random12: Buffer): string {
  return `1-${Math.floor(nowMs / 1000).toString(16).padStart(8, '0').slice(-8)}-${random12.toString('hex').slice(0, 24)}`;
}

/**
 * X-Amzn-Trace-Id after this load balancer: without a valid Root, `Root=<id>` (other fields kept); with one,
 * `Self=<id>` first (replacing an earlier Self), the rest as they came.
 */
export function traceHeader(incoming: string | undefined, id: string): string {
  const fields = (incoming ?? '').split(';').map((f) => f.trim()).filter((f) => f.includes('='));
  const root = fields.find((f) => f.startsWith('Root='));
  const others = fields.filter((f) => !f.startsWith('Self=') && !f.startsWith('Root='));
  if (root !== undefined && TRACE_ID.test(root.slice(5))) {
    return [`Self=${id}`, ...fields.filter((f) => !f.startsWith('Self='))].join(';');
  }
  return [`Root=${id}`, ...others].join(';');
}

/** The response headers for the client: the target's end-to-end headers. */
export function downstreamHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return endToEndHeaders(headers);
}
