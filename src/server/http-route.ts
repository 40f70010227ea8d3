// A data-plane endpoint served on Berth's port beside the AWS APIs (the OCI registry under /v2/):
// it gets the raw request and response, so it can stream bodies of any size.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface HttpRoute {
  /** true when this route serves the request; checked before the AWS API dispatcher. */
  matches(method: string, path: string): boolean;
  /** Must answer every request it takes; a throw becomes a 500. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}
