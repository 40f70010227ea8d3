// The expired-credentials chore against a real store: STS keys go once their expiration is a grace
// period behind; IAM users' keys, which never expire, stay however old.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Principal } from '../../aws/context.ts';
import { cryptoIds } from '../../platform/ids.ts';
import { recordIssuedKey, StoreCredentialLookup } from '../../services/iam/issued-credentials.ts';
import { issueTemporaryCredentials } from '../../services/sts/credentials.ts';
import type { Store } from '../../store/store.ts';
import { EXPIRED_KEY_GRACE_MS, expiredCredentialsChore, forgetExpiredIssuedKeys, issuedKeyForgettable } from './expired-credentials.ts';
import { withStore } from './test-store.ts';

const now = new Date('2026-03-01T12:00:00Z');
const HOUR = 3_600_000;
const alice: Principal = { accountId: '123456789012', arn: 'arn:aws:iam::123456789012:user/alice', userId: 'AIDAALICE', accessKeyId: '', kind: 'user' };
const session: Principal = {
  accountId: '123456789012', arn: '', userId: 'AROAAPP:s', accessKeyId: '', kind: 'assumed-role', roleArn: 'arn:aws:iam::123456789012:role/app',
};

/**
 * Issues STS credentials for session `name` at `issuedAt` for `seconds`, as AssumeRole does; answers
 * the key id. Each test session has its own name: issuing again for one session drops its expired keys.
 */
async function issue(store: Store, name: string, issuedAt: Date, seconds: number): Promise<string> {
  const arn = `arn:aws:sts::123456789012:assumed-role/app/${name}`;
  const credentials = await store.write((tx) =>
    issueTemporaryCredentials(tx, cryptoIds, (accessKeyId) => ({ ...session, arn, accessKeyId }), issuedAt, seconds));
  return credentials.AccessKeyId ?? '';
}

test('issuedKeyForgettable: only keys with an expiration at least the grace period back', () => {
  const at = (ms: number) => ({ expiration: new Date(now.getTime() - ms) });
  assert.equal(issuedKeyForgettable(at(EXPIRED_KEY_GRACE_MS), now), true);
  assert.equal(issuedKeyForgettable(at(EXPIRED_KEY_GRACE_MS - 1), now), false);
  assert.equal(issuedKeyForgettable(at(0), now, 0), true, 'with no grace, a key goes when the authenticator calls it expired');
  assert.equal(issuedKeyForgettable({}, now, 0), false, 'a key without an expiration (an IAM user key) never goes');
});

test('expired session keys go after the grace period; IAM user keys and live sessions stay', async () => {
  await withStore(async (store) => {
    await store.write((tx) => recordIssuedKey(tx, {
      accessKeyId: 'AKIAUSERKEY000000001', secretAccessKey: 'secret', principal: { ...alice, accessKeyId: 'AKIAUSERKEY000000001' },
      status: 'Active', createdAt: new Date('2020-01-01T00:00:00Z'),
    }));
    const long = await issue(store, 'long', new Date(now.getTime() - 3 * HOUR), 3_600);
    const justExpired = await issue(store, 'just-expired', new Date(now.getTime() - 90 * 60_000), 3_600);
    const live = await issue(store, 'live', now, 3_600);
    const lookup = new StoreCredentialLookup(store);
    const chore = expiredCredentialsChore({ store, intervalMs: 60_000 });

    assert.equal(await chore.run(now), 1);
    assert.equal(await lookup.find(long), undefined);
    // Still known, so the authenticator answers ExpiredToken rather than InvalidClientTokenId.
    assert.ok(await lookup.find(justExpired));
    assert.ok(await lookup.find(live));
    assert.ok(await lookup.find('AKIAUSERKEY000000001'));

    assert.equal(await chore.run(new Date(now.getTime() + 10 * 365 * 24 * HOUR)), 2, 'years later both sessions are gone');
    assert.ok(await lookup.find('AKIAUSERKEY000000001'), 'the user\'s key never expires');
  });
});

test('more forgettable keys than a batch: every page is read', async () => {
  await withStore(async (store) => {
    for (let i = 0; i < 7; i++) await issue(store, `old-${i}`, new Date(now.getTime() - 5 * HOUR), 900);
    await issue(store, 'live', now, 900);
    assert.equal(await forgetExpiredIssuedKeys(store, now, EXPIRED_KEY_GRACE_MS, 3), 7);
    assert.equal(await store.read((tx) => tx.count('auth.issued-key', { account: '', region: '' })), 1);
  });
});
