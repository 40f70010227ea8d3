// How tests read an AWS error from the SDK: the wire code, the HTTP status and the message.
import assert from 'node:assert/strict';

export interface Failure {
  /** The wire code: Query services' modeled errors carry it in `Code` (their `name` is the shape name). */
  code: string;
  status: number | undefined;
  message: string;
}

/** Awaits a call that must fail and describes how it failed. */
export async function failure(promise: Promise<unknown>): Promise<Failure> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Error, `expected an AWS error, got ${String(error)}`);
    const e = error as Error & { Code?: string; $metadata?: { httpStatusCode?: number } };
    return { code: e.Code ?? e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  assert.fail('expected the call to fail');
}

/** The call fails with `code` and `status`; `message` is compared exactly (string) or matched (RegExp). */
export async function rejectsWith(promise: Promise<unknown>, code: string, status = 400, message?: string | RegExp): Promise<void> {
  const failed = await failure(promise);
  assert.equal(failed.code, code, failed.message);
  assert.equal(failed.status, status);
  if (typeof message === 'string') assert.equal(failed.message, message);
  else if (message) assert.match(failed.message, message);
}

/** A 400 with `code` (most JSON-protocol errors). */
export function rejects(promise: Promise<unknown>, code: string, message?: string | RegExp): Promise<void> {
  return rejectsWith(promise, code, 400, message);
}
