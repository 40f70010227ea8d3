import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { outcomeOf, pickWeighted } from './actions.ts';

test('forward with one TargetGroupArn, or ForwardConfig with weights and group stickiness', () => {
  assert.deepEqual(outcomeOf([{ Type: 'forward', TargetGroupArn: 'tg-a' }]), { kind: 'forward', groups: [{ arn: 'tg-a', weight: 1 }] });
  assert.deepEqual(outcomeOf([{
    Type: 'forward',
    ForwardConfig: { TargetGroups: [{ TargetGroupArn: 'tg-a', Weight: 3 }, { TargetGroupArn: 'tg-b', Weight: 1 }], TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 } },
  }]), { kind: 'forward', groups: [{ arn: 'tg-a', weight: 3 }, { arn: 'tg-b', weight: 1 }], stickiness: { durationSeconds: 60 } });
});

test('fixed-response and redirect carry their configuration', () => {
  assert.deepEqual(outcomeOf([{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '418', ContentType: 'text/plain', MessageBody: 'teapot' } }]),
    { kind: 'fixed-response', statusCode: 418, contentType: 'text/plain', body: 'teapot' });
  assert.deepEqual(outcomeOf([{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', StatusCode: 'HTTP_301' } }]),
    { kind: 'redirect', config: { Protocol: 'HTTPS', StatusCode: 'HTTP_301' } });
});

test('an authenticate action first, by Order, is unsupported and named', () => {
  const outcome = outcomeOf([
    { Type: 'forward', TargetGroupArn: 'tg-a', Order: 2 },
    { Type: 'authenticate-oidc', Order: 1 },
  ]);
  assert.deepEqual(outcome, { kind: 'unsupported', type: 'authenticate-oidc' });
  assert.deepEqual(outcomeOf([]), { kind: 'unsupported', type: '(none)' });
});

test('pickWeighted: weights 0 never chosen; all 0 is none', () => {
  const groups = [{ arn: 'a', weight: 0 }, { arn: 'b', weight: 2 }, { arn: 'c', weight: 0 }];
  for (const r of [0, 0.3, 0.99]) assert.equal(pickWeighted(groups, r)?.arn, 'b');
  assert.equal(pickWeighted([{ arn: 'a', weight: 0 }], 0.5), undefined);
});

test('property: pickWeighted picks each group in proportion to its weight', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 5 }), (weights) => {
    const groups = weights.map((weight, i) => ({ arn: `g${i}`, weight }));
    const total = weights.reduce((a, b) => a + b, 0);
    const steps = 1000;
    const counts = new Map<string, number>();
    for (let i = 0; i < steps; i++) {
      const group = pickWeighted(groups, i / steps);
      if (total === 0) { assert.equal(group, undefined); continue; }
      assert.ok(group && group.weight > 0);
      counts.set(group.arn, (counts.get(group.arn) ?? 0) + 1);
    }
    if (total > 0) {
      for (const group of groups) {
        const expected = (group.weight / total) * steps;
        assert.ok(Math.abs((counts.get(group.arn) ?? 0) - expected) <= 1, `${group.arn}: ${counts.get(group.arn)} vs ${expected}`);
      }
    }
  }));
});
