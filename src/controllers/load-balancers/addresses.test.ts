import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressKeeper, type LoadBalancerAddresses } from './addresses.ts';

test('addresses are ensured on every pass (a bridge can lose them), refused ones are not usable, and unwanted ones are released', async () => {
  const calls: string[] = [];
  let refuse = true;
  const addresses: LoadBalancerAddresses = {
    ensure: async ({ ip }) => { calls.push(`ensure ${ip}`); return ip !== '10.72.1.11' || !refuse; },
    release: async (ip) => { calls.push(`release ${ip}`); },
  };
  const keeper = new AddressKeeper(addresses, () => undefined);
  const a = { vpcId: 'vpc-1', subnetCidr: '10.72.1.0/24', ip: '10.72.1.10' };
  const b = { vpcId: 'vpc-1', subnetCidr: '10.72.1.0/24', ip: '10.72.1.11' };
  assert.deepEqual([...await keeper.sync([a, b])], ['10.72.1.10']);
  assert.deepEqual([...await keeper.sync([a, b])], ['10.72.1.10']);
  assert.deepEqual(calls, ['ensure 10.72.1.10', 'ensure 10.72.1.11', 'ensure 10.72.1.10', 'ensure 10.72.1.11']);
  refuse = false;
  assert.deepEqual([...await keeper.sync([a, b])].sort(), ['10.72.1.10', '10.72.1.11']);
  assert.deepEqual([...await keeper.sync([b])], ['10.72.1.11']);
  assert.deepEqual(calls.slice(4), ['ensure 10.72.1.10', 'ensure 10.72.1.11', 'release 10.72.1.10', 'ensure 10.72.1.11']);
});

test('without an implementation nothing is usable', async () => {
  assert.deepEqual([...await new AddressKeeper(undefined, () => undefined).sync([{ vpcId: 'v', subnetCidr: '10.72.1.0/24', ip: '10.72.1.5' }])], []);
});
