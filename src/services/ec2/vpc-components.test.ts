import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultAclEntries, defaultDhcpConfigurations, localRoute } from './vpc-components.ts';

test('the default DHCP domain is ec2.internal in us-east-1 and <region>.compute.internal elsewhere', () => {
  assert.equal(defaultDhcpConfigurations('us-east-1')[0]?.Values?.[0]?.Value, 'ec2.internal');
  assert.equal(defaultDhcpConfigurations('eu-west-1')[0]?.Values?.[0]?.Value, 'eu-west-1.compute.internal');
  assert.deepEqual(defaultDhcpConfigurations('local')[1], { Key: 'domain-name-servers', Values: [{ Value: 'AmazonProvidedDNS' }] });
});

test('the default ACL allows all (rule 100) before denying all (rule 32767), in both directions', () => {
  const entries = defaultAclEntries();
  for (const egress of [true, false]) {
    const rules = entries.filter((entry) => entry.Egress === egress).map((entry) => [entry.RuleNumber, entry.RuleAction]);
    assert.deepEqual(rules, [[100, 'allow'], [32767, 'deny']]);
  }
});

test('the local route targets "local" and was made by CreateRouteTable', () => {
  assert.deepEqual(localRoute('10.0.0.0/16'), { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' });
});
