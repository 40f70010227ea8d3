import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { bindWithFallback } from './bind.ts';

test('a free port is bound as asked; a taken one falls back to an ephemeral port and says why', async (t) => {
  const holder = createServer();
  const first = await bindWithFallback(holder, '127.0.0.1', 0);
  assert.ok(first.ok);
  t.after(() => holder.close());
  if (!first.ok) return;
  const second = createServer();
  t.after(() => second.close());
  const result = await bindWithFallback(second, '127.0.0.1', first.port);
  assert.ok(result.ok);
  if (!result.ok) return;
  assert.notEqual(result.port, first.port);
  assert.equal(result.fallbackReason, `EADDRINUSE on port ${first.port}`);
});

test('an address the host does not have fails with a message', async () => {
  const server = createServer();
  const result = await bindWithFallback(server, '192.0.2.123', 0);
  assert.equal(result.ok, false);
  if (!result.ok) assert.match(result.message, /192\.0\.2\.123:0: .*EADDRNOTAVAIL/);
});
