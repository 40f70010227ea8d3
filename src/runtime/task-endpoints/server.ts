// The HTTP server that answers at 169.254.170.2 inside every task: node:http over the handler in
// handler.ts. The ECS agent bounds reads and writes at 5 s each (agent/handlers/task_server_setup.go,
// "as per AWS SDK defaults"); the same bounds apply here.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTaskEndpointHandler, type TaskEndpointDeps } from './handler.ts';

const READ_TIMEOUT_MS = 5_000;

export class TaskEndpointServer {
  readonly #server: Server;
  #listening = false;

  constructor(deps: TaskEndpointDeps) {
    const handle = createTaskEndpointHandler(deps);
    this.#server = createServer((req, res) => void handle(req, res));
    this.#server.requestTimeout = READ_TIMEOUT_MS;
    this.#server.headersTimeout = READ_TIMEOUT_MS;
    this.#server.keepAliveTimeout = READ_TIMEOUT_MS;
  }

  /** Starts serving on `host:port` (169.254.170.2:80 in production; the host must have that address). */
  async listen(host: string, port: number): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.#server.once('error', onError);
      this.#server.listen(port, host, () => {
        this.#server.off('error', onError);
        resolve();
      });
    });
    this.#listening = true;
    return this.#server.address() as AddressInfo;
  }

  /** Stops accepting connections and closes idle ones; resolves once every connection is gone. */
  async close(): Promise<void> {
    if (!this.#listening) return;
    this.#listening = false;
    await new Promise<void>((resolve, reject) => {
      this.#server.close((error) => (error ? reject(error) : resolve()));
      this.#server.closeIdleConnections();
    });
  }
}
