// readParameterValue (what the task runner reads secrets with) against a real store, and PutParameter's tier and pattern rules.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { systemClock } from '../../platform/clock.ts';
import { SecretBox } from '../../platform/secret-box.ts';
import { openSqliteStore } from '../../store/sqlite.ts';
import { readParameterValue } from './index.ts';
import { ADVANCED_MAX_BYTES, checkAllowedPattern, resolveTier, STANDARD_MAX_BYTES } from './put-parameter.ts';
import { putParameterRecord, type ParameterVersionRecord } from './records.ts';

const dirs: string[] = [];
after(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

const scope = { account: '111111111111', region: 'us-east-1' };
const box = new SecretBox(Buffer.alloc(32, 7));

function version(n: number, type: 'String' | 'SecureString', value: string, labels: string[] = []): ParameterVersionRecord {
  return {
    version: n, type, value: type === 'SecureString' ? box.seal(value) : value, tier: 'Standard', dataType: 'text', labels,
    lastModifiedDate: new Date(0), lastModifiedUser: 'arn:aws:iam::111111111111:root',
  };
}

test('readParameterValue: by name, ARN, version and label; decrypted; missing ones throw what GetParameter would', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-ssm-'));
  dirs.push(dir);
  const store = await openSqliteStore(dir, systemClock);
  try {
    await store.write(async (tx) => {
      await putParameterRecord(tx, scope, { name: '/prod/api-key', tags: [], versions: [version(1, 'SecureString', 'old', ['prev']), version(2, 'SecureString', 's3cr3t')] });
      await putParameterRecord(tx, scope, { name: 'plain', tags: [], versions: [version(1, 'String', 'p')] });
      await putParameterRecord(tx, { ...scope, region: 'eu-west-1' }, { name: '/eu/key', tags: [], versions: [version(1, 'String', 'eu')] });
    });
    assert.equal(await readParameterValue(store, box, scope, '/prod/api-key'), 's3cr3t');
    assert.equal(await readParameterValue(store, box, scope, 'arn:aws:ssm:us-east-1:111111111111:parameter/prod/api-key'), 's3cr3t');
    assert.equal(await readParameterValue(store, box, scope, '/prod/api-key:1'), 'old');
    assert.equal(await readParameterValue(store, box, scope, '/prod/api-key:prev'), 'old');
    assert.equal(await readParameterValue(store, box, scope, 'plain'), 'p');
    assert.equal(await readParameterValue(store, box, scope, 'arn:aws:ssm:eu-west-1:111111111111:parameter/eu/key'), 'eu');
    await assert.rejects(readParameterValue(store, box, scope, '/prod/none'), { code: 'ParameterNotFound' });
    await assert.rejects(readParameterValue(store, box, scope, '/prod/api-key:3'), { code: 'ParameterVersionNotFound' });
    await assert.rejects(readParameterValue(store, box, scope, 'arn:aws:ssm:us-east-1:222222222222:parameter/prod/api-key'), { code: 'ParameterNotFound' });
  } finally {
    await store.close();
  }
});

test('tiers: Standard holds 4 KB, Advanced 8 KB; Intelligent-Tiering picks the smallest that fits; Advanced never goes back', () => {
  fc.assert(fc.property(fc.constantFrom(undefined, 'Standard', 'Advanced', 'Intelligent-Tiering' as const),
    fc.constantFrom(undefined, 'Standard', 'Advanced' as const), fc.integer({ min: 1, max: 10_000 }), (asked, previous, bytes) => {
      let tier: string;
      try {
        tier = resolveTier(asked, previous, bytes);
      } catch {
        // Refused only when no allowed tier holds the value, or when it would leave Advanced.
        assert.ok(bytes > ADVANCED_MAX_BYTES || (previous === 'Advanced' && (asked ?? previous) === 'Standard') ||
          (bytes > STANDARD_MAX_BYTES && (asked ?? previous ?? 'Standard') === 'Standard'));
        return;
      }
      assert.ok(bytes <= (tier === 'Standard' ? STANDARD_MAX_BYTES : ADVANCED_MAX_BYTES));
      if (previous === 'Advanced') assert.equal(tier, 'Advanced');
      if (asked === 'Intelligent-Tiering' && previous !== 'Advanced') assert.equal(tier, bytes > STANDARD_MAX_BYTES ? 'Advanced' : 'Standard');
    }));
});

test('AllowedPattern: a value must match; a pattern that is not a regular expression is refused', () => {
  assert.doesNotThrow(() => checkAllowedPattern('^\\d+$', '123'));
  assert.doesNotThrow(() => checkAllowedPattern(undefined, 'anything'));
  assert.throws(() => checkAllowedPattern('^\\d+$', '12a'), { code: 'ParameterPatternMismatchException' });
  assert.throws(() => checkAllowedPattern('[', 'x'), { code: 'InvalidAllowedPatternException' });
});
