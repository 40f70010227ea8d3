// The answers the load balancer writes itself: ALB's error pages (a small nginx-style HTML page with the status
// line, `Server: awselb/2.0`) and Berth's own answer when no load balancer on a shared port owns the Host.
import { STATUS_CODES } from 'node:http';

export interface SelfAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** ALB's page for a status it generates (502, 503, 504, 500…), as curl shows it. */
export function errorPage(status: number, detail?: string): SelfAnswer {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  const extra = detail === undefined ? '' : `<p>${escapeHtml(detail)}</p>\r\n`;
  return {
    status,
    headers: { 'content-type': 'text/html', server: 'awselb/2.0' },
    body: `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n${extra}</body>\r\n</html>\r\n`,
  };
}

/** A request for a host no load balancer on this port has. */
export function unknownHostPage(host: string, port: number, known: readonly string[]): SelfAnswer {
  return {
    status: 404,
    headers: { 'content-type': 'text/plain; charset=utf-8', server: 'berth' },
    body: `Berth: no load balancer listening on port ${port} answers to host '${host}'. `
      + `Load balancers on this port: ${known.length === 0 ? 'none' : known.join(', ')}.\n`,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
