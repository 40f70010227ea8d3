import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { containerOfMetadataId, metadataIdFor, metadataUriFor, taskIdOfMetadataId } from './metadata-id.ts';
import { goTime, jsonText } from './go-json.ts';

const taskId = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes).toString('hex'));
const name = fc.string({ minLength: 1, maxLength: 255 });

describe('metadata ids', () => {
  test('have Fargate\'s form, are stable, and lead back to their task and container', () => {
    fc.assert(fc.property(taskId, fc.uniqueArray(name, { minLength: 1, maxLength: 10 }), (id, names) => {
      for (const container of names) {
        const metadataId = metadataIdFor(id, container);
        assert.match(metadataId, /^[0-9a-f]{32}-\d{10}$/);
        assert.equal(metadataIdFor(id, container), metadataId);
        assert.equal(taskIdOfMetadataId(metadataId), id);
        assert.equal(containerOfMetadataId(metadataId, id, names), container);
      }
    }));
  });

  test('another task\'s id does not name a container of this one', () => {
    fc.assert(fc.property(taskId, taskId, name, (a, b, container) => {
      fc.pre(a !== b);
      assert.equal(containerOfMetadataId(metadataIdFor(b, container), a, [container]), undefined);
    }));
  });

  test('anything else is no metadata id', () => {
    for (const bad of ['', 'abc', `${'a'.repeat(32)}-123`, `${'A'.repeat(32)}-1234567890`, `${'a'.repeat(32)}-1234567890/x`]) {
      assert.equal(taskIdOfMetadataId(bad), undefined);
    }
  });

  test('the URI is the endpoint at 169.254.170.2', () => {
    assert.equal(metadataUriFor('cd189a933e5849daa93386466019ab50', 'curl'), `http://169.254.170.2/v4/${metadataIdFor('cd189a933e5849daa93386466019ab50', 'curl')}`);
  });
});

describe('Go-style JSON', () => {
  test('times as Go writes them: fraction trimmed, none when whole seconds', () => {
    assert.equal(goTime(new Date('2022-05-10T19:33:11.000Z')), '2022-05-10T19:33:11Z');
    assert.equal(goTime(new Date('2020-10-08T20:09:11.440Z')), '2020-10-08T20:09:11.44Z');
    assert.equal(goTime(new Date('2020-10-08T20:09:11.445Z')), '2020-10-08T20:09:11.445Z');
  });

  test('bigint written exactly; undefined members left out; otherwise as JSON.stringify', () => {
    assert.equal(jsonText({ a: 18446744073709551615n, b: undefined, c: [1, 'x', null, true] }), '{"a":18446744073709551615,"c":[1,"x",null,true]}');
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      assert.equal(jsonText(value as never), JSON.stringify(value));
    }));
  });
});
