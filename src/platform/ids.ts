// Randomness, injectable: every id Berth mints (request ids, resource ids, keys) comes from here.
import { randomBytes, randomUUID } from 'node:crypto';

export interface IdSource {
  /** n random bytes. */
  bytes(n: number): Buffer;
  uuid(): string;
}

export const cryptoIds: IdSource = { bytes: (n) => randomBytes(n), uuid: () => randomUUID() };

/** n lowercase hex characters, as EC2 ids (`vpc-0a1b…`) carry. */
export function hexId(ids: IdSource, n: number): string {
  return ids.bytes(Math.ceil(n / 2)).toString('hex').slice(0, n);
}
