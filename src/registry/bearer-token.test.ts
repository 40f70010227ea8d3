import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseScopes } from './bearer-token.ts';

test('token scopes: repository scopes with known actions, repeated or space-separated; others grant nothing', () => {
  assert.deepEqual(parseScopes(['repository:team/app:pull,push', 'repository:other:pull']), [
    { name: 'team/app', actions: ['pull', 'push'] }, { name: 'other', actions: ['pull'] },
  ]);
  assert.deepEqual(parseScopes(['repository:a:pull repository:a:delete registry:catalog:*']), [{ name: 'a', actions: ['pull', 'delete'] }]);
  assert.deepEqual(parseScopes(['repository:a:*']), [{ name: 'a', actions: ['pull', 'push', 'delete'] }]);
  assert.deepEqual(parseScopes(['repository(plugin):a:pull', 'repository:a:fly']), [{ name: 'a', actions: ['pull'] }]);
  assert.deepEqual(parseScopes(['', 'nonsense']), []);
});
