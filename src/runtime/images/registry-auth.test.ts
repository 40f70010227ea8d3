import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseChallenges } from './registry-auth.ts';

test('WWW-Authenticate challenges parse as registries send them', () => {
  assert.deepEqual(parseChallenges(['Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/httpd:pull"']), [
    { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/httpd:pull' } },
  ]);
  assert.deepEqual(parseChallenges(['Basic realm="https://123456789012.dkr.ecr.us-east-1.amazonaws.com/",service="ecr.amazonaws.com"']), [
    { scheme: 'basic', params: { realm: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com/', service: 'ecr.amazonaws.com' } },
  ]);
  assert.deepEqual(parseChallenges(['Bearer realm="r", error="insufficient_scope", error_description="a \\"quoted\\" text"']), [
    { scheme: 'bearer', params: { realm: 'r', error: 'insufficient_scope', error_description: 'a "quoted" text' } },
  ]);
  // Two challenges in one header, and two headers.
  assert.deepEqual(parseChallenges(['Basic realm="a", Bearer realm="b",service=s', 'Negotiate']).map((c) => c.scheme), ['basic', 'bearer', 'negotiate']);
  assert.deepEqual(parseChallenges(['Bearer realm=unquoted,service=x']), [{ scheme: 'bearer', params: { realm: 'unquoted', service: 'x' } }]);
  assert.deepEqual(parseChallenges(['']), []);
});
