import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { PlaneRule } from './plane.ts';
import { compileRules, matchRule } from './rules.ts';
import type { RequestFacts } from './conditions.ts';

const fixed = (body: string): Action[] => [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', MessageBody: body } }];
const request = (path: string): RequestFacts => ({ method: 'GET', path, query: '', host: 'h', headers: {}, sourceIp: '127.0.0.1' });
const pathRule = (priority: number, pattern: string): PlaneRule => ({
  arn: `rule-${priority}`, priority, conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [pattern] } }], actions: fixed(`p${priority}`),
});

test('the lowest priority that matches wins; none matching gives the default actions', () => {
  const compiled = compileRules({ defaultActions: fixed('default'), rules: [pathRule(20, '/api/*'), pathRule(10, '/api/v1/*'), pathRule(5, '/static/*')] });
  assert.equal(matchRule(compiled, request('/api/v1/users')).ruleArn, 'rule-10');
  assert.equal(matchRule(compiled, request('/api/v2/users')).ruleArn, 'rule-20');
  const fallback = matchRule(compiled, request('/other'));
  assert.equal(fallback.ruleArn, undefined);
  assert.deepEqual(fallback.actions, fixed('default'));
});

test('property: the chosen rule is the matching rule of lowest priority, whatever the input order', () => {
  const patterns = ['/*', '/a*', '/a/b', '/b*', '/?'];
  fc.assert(fc.property(
    fc.uniqueArray(fc.record({ priority: fc.integer({ min: 1, max: 50000 }), pattern: fc.constantFrom(...patterns) }), { selector: (r) => r.priority, maxLength: 8 }),
    fc.constantFrom('/a/b', '/b', '/x', '/', '/ab'),
    (specs, path) => {
      const compiled = compileRules({ defaultActions: fixed('default'), rules: specs.map((s) => pathRule(s.priority, s.pattern)) });
      const matching = compiled.rules.filter((r) => r.matches(request(path))).map((r) => r.priority);
      const expected = matching.length === 0 ? undefined : `rule-${Math.min(...matching)}`;
      assert.equal(matchRule(compiled, request(path)).ruleArn, expected);
    },
  ));
});
