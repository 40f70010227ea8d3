import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModelIndex } from '../models/model-index.ts';
import type { ServiceModel } from '../models/types.ts';
import { writeMembers } from './xml-writer.ts';

const model = new ModelIndex({
  metadata: { apiVersion: '2020-01-01', endpointPrefix: 'x', protocol: 'query', serviceId: 'X' },
  operations: {},
  shapes: {
    Output: {
      type: 'structure',
      members: {
        Name: { shape: 'String' },
        Created: { shape: 'Time' },
        Truncated: { shape: 'Bool' },
        Roles: { shape: 'RoleList' },
        Flat: { shape: 'FlatList' },
        Attrs: { shape: 'AttrMap' },
        Groups: { shape: 'GroupList', locationName: 'groupSet' },
      },
    },
    String: { type: 'string' },
    Bool: { type: 'boolean' },
    Time: { type: 'timestamp' },
    Role: { type: 'structure', members: { RoleName: { shape: 'String' } } },
    RoleList: { type: 'list', member: { shape: 'Role' } },
    FlatList: { type: 'list', member: { shape: 'String', locationName: 'Item' }, flattened: true },
    AttrMap: { type: 'map', key: { shape: 'String' }, value: { shape: 'String' } },
    GroupList: { type: 'list', member: { shape: 'String', locationName: 'item' } },
  },
} satisfies ServiceModel);

const value = {
  Name: 'a<b&"c"', Created: new Date('2026-01-02T03:04:05.678Z'), Truncated: false,
  Roles: [{ RoleName: 'r1' }, { RoleName: 'r2' }], Flat: ['x'], Attrs: { k: 'v' }, Groups: ['sg-1'],
  Ignored: 'not in the model',
};

test('awsQuery output: escaped text, whole-second ISO timestamps, <member> lists, flattened lists, maps', () => {
  assert.equal(writeMembers(model, 'Output', value, 'query'),
    '<Name>a&lt;b&amp;&quot;c&quot;</Name><Created>2026-01-02T03:04:05Z</Created><Truncated>false</Truncated>' +
    '<Roles><member><RoleName>r1</RoleName></member><member><RoleName>r2</RoleName></member></Roles>' +
    '<Item>x</Item><Attrs><entry><key>k</key><value>v</value></entry></Attrs><groupSet><item>sg-1</item></groupSet>');
});

test('EC2 output keeps milliseconds in timestamps', () => {
  assert.match(writeMembers(model, 'Output', { Created: value.Created }, 'ec2'), /<Created>2026-01-02T03:04:05.678Z<\/Created>/);
});
