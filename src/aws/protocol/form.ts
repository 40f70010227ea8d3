// Reads the parameters of a Query/EC2 request: the form body, else the URL's query string.
import type { RawRequest } from './wire.ts';

export function formParams(request: RawRequest): Map<string, string> {
  const contentType = request.headers['content-type'] ?? '';
  const source = request.method === 'POST' && contentType.startsWith('application/x-www-form-urlencoded')
    ? new URLSearchParams(request.body.toString('utf8'))
    : request.query;
  const params = new Map<string, string>();
  for (const [key, value] of source) params.set(key, value);
  return params;
}
