import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SETTINGS, readSettings, SettingsError } from './settings.ts';

test('defaults: localhost:4566, ./.berth, lenient auth, account 123456789012', () => {
  assert.deepEqual(readSettings([], {}), DEFAULT_SETTINGS);
});

test('flags win over BERTH_* variables, which win over defaults', () => {
  const settings = readSettings(['--port', '5000', '--data-dir=/tmp/x', '--strict-auth'], { BERTH_PORT: '4000', BERTH_HOST: '0.0.0.0' });
  assert.equal(settings.port, 5000);
  assert.equal(settings.host, '0.0.0.0');
  assert.equal(settings.dataDir, '/tmp/x');
  assert.equal(settings.strictAuth, true);
});

test('bad values and unknown options are refused with a message naming them', () => {
  assert.throws(() => readSettings(['--port', 'eighty'], {}), (e: Error) => e instanceof SettingsError && /port/.test(e.message));
  assert.throws(() => readSettings(['--colour'], {}), /unknown option '--colour'/);
  assert.throws(() => readSettings([], { BERTH_ACCOUNT_ID: '12' }), /account id/);
});
