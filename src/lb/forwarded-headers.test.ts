import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endToEndHeaders, traceHeader, traceId, upstreamHeaders } from './forwarded-headers.ts';

const ID = '1-67891233-abcdef012345678912345678';

test('X-Forwarded-For is appended, -Proto and -Port set, the trace id added', () => {
  const out = upstreamHeaders({ host: 'a', 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' }, { clientIp: '127.0.0.9', protocol: 'http', port: 80, traceId: ID });
  assert.equal(out['x-forwarded-for'], '203.0.113.7, 127.0.0.9');
  assert.equal(out['x-forwarded-proto'], 'http');
  assert.equal(out['x-forwarded-port'], '80');
  assert.equal(out['x-amzn-trace-id'], `Root=${ID}`);
  assert.equal(out.host, 'a');
  assert.equal(upstreamHeaders({}, { clientIp: '::1', protocol: 'https', port: 443, traceId: ID })['x-forwarded-for'], '::1');
});

test('hop-by-hop headers and the ones Connection names are dropped', () => {
  const out = endToEndHeaders({ connection: 'keep-alive, x-private', 'keep-alive': 'timeout=5', 'x-private': '1', te: 'trailers', 'transfer-encoding': 'chunked', 'x-kept': 'yes' });
  assert.deepEqual(out, { 'x-kept': 'yes' });
});

test('trace header: Root when absent or invalid, Self inserted first with a valid Root, custom fields kept', () => {
  assert.equal(traceHeader(undefined, ID), `Root=${ID}`);
  assert.equal(traceHeader('Root=garbage;CalledFrom=app', ID), `Root=${ID};CalledFrom=app`);
  const root = 'Root=1-67891233-000000000000000000000001';
  assert.equal(traceHeader(`${root};CalledFrom=app`, ID), `Self=${ID};${root};CalledFrom=app`);
  assert.equal(traceHeader(`Self=1-00000000-000000000000000000000000;${root}`, ID), `Self=${ID};${root}`);
});

test('trace ids are 1-<8 hex seconds>-<24 hex>', () => {
  const id = traceId(Date.UTC(2024, 0, 1) + 999, Buffer.alloc(12, 0xab));
  assert.match(id, /^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  assert.equal(id, `1-${(Date.UTC(2024, 0, 1) / 1000).toString(16)}-${'ab'.repeat(12)}`);
});
