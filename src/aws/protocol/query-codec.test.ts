import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModelIndex } from '../models/model-index.ts';
import type { ServiceModel } from '../models/types.ts';
import { decodeQuery } from './query-codec.ts';

const model = new ModelIndex({
  metadata: { apiVersion: '2020-01-01', endpointPrefix: 'x', protocol: 'query', serviceId: 'X' },
  operations: {},
  shapes: {
    Input: {
      type: 'structure',
      members: {
        Name: { shape: 'String' },
        Count: { shape: 'Int' },
        Enabled: { shape: 'Bool' },
        Tags: { shape: 'TagList' },
        Flat: { shape: 'FlatList' },
        Attrs: { shape: 'AttrMap' },
        Filters: { shape: 'FilterList', locationName: 'Filter' },
        When: { shape: 'Time' },
      },
    },
    String: { type: 'string' },
    Int: { type: 'integer' },
    Bool: { type: 'boolean' },
    Time: { type: 'timestamp' },
    Tag: { type: 'structure', members: { Key: { shape: 'String' }, Value: { shape: 'String' } } },
    TagList: { type: 'list', member: { shape: 'Tag' } },
    FlatList: { type: 'list', member: { shape: 'String' }, flattened: true },
    AttrMap: { type: 'map', key: { shape: 'String' }, value: { shape: 'String' } },
    Filter: { type: 'structure', members: { Name: { shape: 'String' }, Values: { shape: 'ValueList', locationName: 'Value' } } },
    ValueList: { type: 'list', member: { shape: 'String', locationName: 'item' } },
    FilterList: { type: 'list', member: { shape: 'Filter', locationName: 'Filter' } },
  },
} satisfies ServiceModel);

test('awsQuery: lists as .member.N, flattened lists as .N, maps as .entry.N.key/value, scalars typed', () => {
  const params = new Map(Object.entries({
    Name: 'n', Count: '3', Enabled: 'true', When: '2026-01-02T03:04:05Z',
    'Tags.member.1.Key': 'a', 'Tags.member.1.Value': '1', 'Tags.member.2.Key': 'b',
    'Flat.1': 'x', 'Flat.2': 'y',
    'Attrs.entry.1.key': 'k', 'Attrs.entry.1.value': 'v',
  }));
  const { value, mismatches } = decodeQuery(model, 'Input', params, 'query');
  assert.deepEqual(mismatches, []);
  assert.deepEqual(value, {
    Name: 'n', Count: 3, Enabled: true, When: new Date('2026-01-02T03:04:05Z'),
    Tags: [{ Key: 'a', Value: '1' }, { Key: 'b' }], Flat: ['x', 'y'], Attrs: { k: 'v' },
  });
});

test('EC2: member keys from locationName capitalized, every list flattened', () => {
  const params = new Map(Object.entries({ 'Filter.1.Name': 'vpc-id', 'Filter.1.Value.1': 'vpc-1', 'Filter.1.Value.2': 'vpc-2', 'Filter.2.Name': 'tag:x' }));
  const { value } = decodeQuery(model, 'Input', params, 'ec2');
  assert.deepEqual(value, { Filters: [{ Name: 'vpc-id', Values: ['vpc-1', 'vpc-2'] }, { Name: 'tag:x' }] });
});

test('an empty list is sent as `Name=`', () => {
  const { value } = decodeQuery(model, 'Input', new Map([['Tags', '']]), 'query');
  assert.deepEqual(value, { Tags: [] });
});

test('a scalar that does not parse is reported with its path, not guessed', () => {
  const { mismatches } = decodeQuery(model, 'Input', new Map([['Count', 'many'], ['Enabled', 'yes'], ['Tags.member.1.Key', 'k']]), 'query');
  assert.deepEqual(mismatches, [{ path: 'count', expected: 'integer' }, { path: 'enabled', expected: 'boolean' }]);
});
