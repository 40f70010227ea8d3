// ALB redirect actions: each URI component of RedirectConfig may reuse the request's own with #{protocol},
// #{host}, #{port}, #{path} and #{query}; a component left out keeps its original value (defaults
// "#{protocol}", "#{host}", "#{port}", "/#{path}", "#{query}"). HTTP_301 is permanent, HTTP_302 temporary.
import type { RedirectActionConfig } from '@aws-sdk/client-elastic-load-balancing-v2';

export interface RedirectRequest {
  /** 'http' or 'https': how the client reached the listener. */
  protocol: 'http' | 'https';
  /** The Host header without its port. */
  host: string;
  /** The listener's port. */
  port: number;
  /** The path as requested, with its leading '/'. */
  path: string;
  /** The query without '?', '' when none. */
  query: string;
}

/** `#{path}` is the path without its leading '/' (the default Path, "/#{path}", puts it back). */
function substitute(template: string, request: RedirectRequest): string {
  return template
    .replaceAll('#{protocol}', request.protocol.toUpperCase())
    .replaceAll('#{host}', request.host)
    .replaceAll('#{port}', String(request.port))
    .replaceAll('#{path}', request.path.replace(/^\//, ''))
    .replaceAll('#{query}', request.query);
}

/**
 * The Location of a redirect and its status. `boundPort` maps a listener port of this load balancer to where it
 * really listens (a port Berth could not bind), so a redirect to another of its listeners still arrives.
 */
export function redirectLocation(config: RedirectActionConfig, request: RedirectRequest, boundPort: (port: number) => number = (p) => p): { status: 301 | 302; location: string } {
  const protocol = substitute(config.Protocol ?? '#{protocol}', request).toLowerCase();
  const host = substitute(config.Host ?? '#{host}', request);
  const portText = substitute(config.Port ?? '#{port}', request);
  const port = Number(portText);
  const realPort = Number.isInteger(port) ? boundPort(port) : port;
  // A scheme's default port is left out of the URL. Not verified: whether ALB writes ":443" explicitly.
  const defaultPort = protocol === 'https' ? 443 : 80;
  const portPart = realPort === defaultPort ? '' : `:${Number.isInteger(realPort) ? realPort : portText}`;
  let path = substitute(config.Path ?? '/#{path}', request);
  if (!path.startsWith('/')) path = `/${path}`;
  const query = substitute(config.Query ?? '#{query}', request);
  return {
    status: config.StatusCode === 'HTTP_301' ? 301 : 302,
    location: `${protocol}://${host}${portPart}${path}${query === '' ? '' : `?${query}`}`,
  };
}
