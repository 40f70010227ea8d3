// Small helpers for answering registry requests on a raw node:http response.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RegistryError } from './errors.ts';

export function reply(res: ServerResponse, status: number, headers: Record<string, string> = {}, body?: Buffer | string): void {
  const bytes = body === undefined ? Buffer.alloc(0) : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { 'docker-distribution-api-version': 'registry/2.0', 'content-length': String(bytes.length), ...headers });
  res.end(bytes);
}

export function replyError(res: ServerResponse, error: RegistryError, head: boolean): void {
  const body = error.toJson();
  res.writeHead(error.status, {
    'docker-distribution-api-version': 'registry/2.0', 'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)), ...error.headers,
  });
  res.end(head ? undefined : body);
}

/** The whole body, refusing more than `limit` bytes (manifests: ECR's 4 MiB). */
export async function readSmallBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new RegistryError('SIZE_INVALID', 400, `the body is larger than ${limit} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads and drops a body the handler does not need, so the connection can be reused. */
export async function drain(req: IncomingMessage): Promise<void> {
  for await (const _chunk of req) { /* discard */ }
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
