// Binding a listener's port: when the port cannot be had (EACCES below 1024 without root, EADDRINUSE when
// something else holds it) the listener takes an ephemeral port on the same address instead, so the load
// balancer still works and says where (a 'bound' report).
import type { Server } from 'node:net';

export type BindResult =
  | { ok: true; port: number; fallbackReason?: string }
  | { ok: false; message: string };

const FALLBACK_CODES = new Set(['EACCES', 'EADDRINUSE', 'EPERM']);

function listenOnce(server: Server, host: string, port: number): Promise<{ port: number } | NodeJS.ErrnoException> {
  return new Promise((resolve) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      resolve(error);
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve({ port: typeof address === 'object' && address ? address.port : port });
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host, exclusive: true });
  });
}

export async function bindWithFallback(server: Server, host: string, port: number): Promise<BindResult> {
  const first = await listenOnce(server, host, port);
  if (!(first instanceof Error)) return { ok: true, port: first.port };
  if (!FALLBACK_CODES.has(first.code ?? '')) return { ok: false, message: `${host}:${port}: ${first.message}` };
  const second = await listenOnce(server, host, 0);
  if (second instanceof Error) return { ok: false, message: `${host}:${port}: ${first.message}; and no other port either: ${second.message}` };
  return { ok: true, port: second.port, fallbackReason: `${first.code ?? 'error'} on port ${port}` };
}
