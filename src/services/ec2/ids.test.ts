import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EC2_ID_PREFIXES, ec2IdGenerator, ec2IdPrefixOf, isEc2Id, newEc2Id, type RandomBytes } from './ids.ts';

/** A deterministic source: bytes 0, 1, 2, … wrapping at 256. */
function counting(): RandomBytes {
  let next = 0;
  return (size) => Uint8Array.from({ length: size }, () => next++ % 256);
}

test('an id is the prefix, a dash and 17 lowercase hex digits from the random source', () => {
  assert.equal(newEc2Id('vpc', () => Uint8Array.from([0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f, 0x60, 0x71, 0x82])), 'vpc-0a1b2c3d4e5f60718');
  assert.equal(newEc2Id('sgr', counting()), 'sgr-00010203040506070');
  assert.equal(newEc2Id('sg', () => new Uint8Array(9).fill(255)), 'sg-fffffffffffffffff');
});

test('a generator bound to one source mints distinct ids in sequence', () => {
  const newId = ec2IdGenerator(counting());
  assert.equal(newId('subnet'), 'subnet-00010203040506070');
  assert.equal(newId('eni'), 'eni-090a0b0c0d0e0f101');
});

test('a short random source is a bug, not a short id', () => {
  assert.throws(() => newEc2Id('vpc', () => new Uint8Array(4)), RangeError);
});

test('every minted id is recognised, with its prefix', () => {
  fc.assert(
    fc.property(fc.constantFrom(...EC2_ID_PREFIXES), fc.uint8Array({ minLength: 9, maxLength: 9 }), (prefix, bytes) => {
      const id = newEc2Id(prefix, () => bytes);
      return /^[a-z-]+-[0-9a-f]{17}$/.test(id) && isEc2Id(id, prefix) && ec2IdPrefixOf(id) === prefix;
    }),
  );
});

test('ids of AWS\'s older 8-digit form are recognised; anything else is not', () => {
  assert.ok(isEc2Id('sg-51530134', 'sg'));
  assert.ok(isEc2Id('vpc-0d655eeb1089e10ff', 'vpc'));
  assert.equal(ec2IdPrefixOf('vpc-cidr-assoc-164f8d7d'), 'vpc-cidr-assoc');
  assert.equal(ec2IdPrefixOf('eni-attach-0123456789abcdef0'), 'eni-attach');
  for (const bad of ['sg-', 'sg-XYZ', 'sg-0123456789ABCDEF0', 'sg-123', 'vpc-0123456789abcdef01', 'default', 'sgr-0123456789abcdef0x']) {
    assert.equal(ec2IdPrefixOf(bad), undefined, bad);
  }
  assert.ok(!isEc2Id('vpc-cidr-assoc-164f8d7d', 'vpc'));
  assert.ok(!isEc2Id('sgr-0123456789abcdef0', 'sg'));
});
