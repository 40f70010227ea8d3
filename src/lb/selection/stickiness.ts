// Sticky sessions ("Sticky sessions for your Application Load Balancer"): with stickiness.type lb_cookie the load
// balancer's own AWSALB cookie (and AWSALBCORS, SameSite=None for cross-origin requests) names the target for
// stickiness.lb_cookie.duration_seconds; with app_cookie, once the target sets the application's cookie
// (stickiness.app_cookie.cookie_name) the load balancer adds AWSALBAPP-0 naming the target for
// stickiness.app_cookie.duration_seconds. Forward actions with several groups keep a client on one group with
// AWSALBTG/AWSALBTGCORS. AWS encrypts those values; Berth encodes the target key (base64url): they are opaque
// to clients either way, and a value naming no available target is ignored.

export type Stickiness =
  | { kind: 'lb_cookie'; durationSeconds: number }
  | { kind: 'app_cookie'; cookieName: string; durationSeconds: number };

/** The target group's stickiness from its attributes, or undefined when stickiness.enabled is not "true". */
export function stickinessOf(attributes: Readonly<Record<string, string>>): Stickiness | undefined {
  if (attributes['stickiness.enabled'] !== 'true') return undefined;
  if (attributes['stickiness.type'] === 'app_cookie') {
    const cookieName = attributes['stickiness.app_cookie.cookie_name'] ?? '';
    if (cookieName === '') return undefined;
    return { kind: 'app_cookie', cookieName, durationSeconds: Number(attributes['stickiness.app_cookie.duration_seconds'] ?? 86400) };
  }
  return { kind: 'lb_cookie', durationSeconds: Number(attributes['stickiness.lb_cookie.duration_seconds'] ?? 86400) };
}

export const LB_COOKIE = 'AWSALB';
export const APP_COOKIE = 'AWSALBAPP-0';
export const GROUP_COOKIE = 'AWSALBTG';

/** The cookies of a Cookie header (the first value of a repeated name wins). */
export function parseCookies(header: string | string[] | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const line of Array.isArray(header) ? header : header === undefined ? [] : [header]) {
    for (const part of line.split(';')) {
      const eq = part.indexOf('=');
      if (eq <= 0) continue;
      const name = part.slice(0, eq).trim();
      if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
    }
  }
  return cookies;
}

export function encodeSticky(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

export function decodeSticky(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  return Buffer.from(value, 'base64url').toString('utf8');
}

/** The cookie the stickiness reads to find a request's target. */
export function stickyCookieName(stickiness: Stickiness): string {
  return stickiness.kind === 'lb_cookie' ? LB_COOKIE : APP_COOKIE;
}

/**
 * Set-Cookie values that pin the client to `key` under cookie `name` (and its CORS twin for lb cookies), expiring
 * after `durationSeconds` from `now`.
 */
export function stickyCookies(name: string, key: string, durationSeconds: number, now: number, secure: boolean): string[] {
  const expires = new Date(now + durationSeconds * 1000).toUTCString();
  const value = encodeSticky(key);
  const cookies = [`${name}=${value}; Expires=${expires}; Path=/`];
  if (name === LB_COOKIE || name === GROUP_COOKIE) cookies.push(`${name}CORS=${value}; Expires=${expires}; Path=/; SameSite=None${secure ? '; Secure' : ''}`);
  return cookies;
}

/** Whether a response's Set-Cookie headers set the application cookie `cookieName`. */
export function setsCookie(setCookie: string | string[] | undefined, cookieName: string): boolean {
  const lines = Array.isArray(setCookie) ? setCookie : setCookie === undefined ? [] : [setCookie];
  return lines.some((line) => line.slice(0, line.indexOf('=')).trim() === cookieName);
}
