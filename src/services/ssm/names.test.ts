// Parameter names, selectors, path matching and label rules.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { hierarchyDepth, labelProblem, parameterArn, parseSelector, underPath, validateNewName } from './names.ts';

const segment = fc.stringMatching(/^[a-zA-Z0-9_.-]{1,8}$/).filter((s) => !/^(aws|ssm)/i.test(s));

test('names: spaces at the ends are trimmed; hierarchical names need a leading slash and no empty part', () => {
  assert.equal(validateNewName('  /prod/api-key '), '/prod/api-key');
  assert.equal(validateNewName('plain.name_1-x'), 'plain.name_1-x');
  for (const bad of ['prod/api-key', '/prod//key', '/prod/', 'has space', 'star*', 'arn:aws:ssm:us-east-1:123456789012:parameter/x']) {
    assert.throws(() => validateNewName(bad), { code: 'ValidationException' }, bad);
  }
});

test('names: the aws and ssm prefixes are reserved, case-insensitively', () => {
  assert.throws(() => validateNewName('AWSthing'), { code: 'ValidationException', message: /prefixed with "aws" or "ssm"/ });
  assert.throws(() => validateNewName('ssm'), { code: 'ValidationException' });
  assert.throws(() => validateNewName('/Ssm/x'), { code: 'ValidationException' });
  assert.throws(() => validateNewName('/aws/x'), { code: 'AccessDeniedException', message: 'No access to reserved parameter name: /aws/x.' });
});

test('names: at most 15 hierarchy levels', () => {
  const fifteen = `/${Array.from({ length: 15 }, (_, i) => `l${i}`).join('/')}`;
  assert.equal(hierarchyDepth(fifteen), 15);
  assert.equal(validateNewName(fifteen), fifteen);
  assert.throws(() => validateNewName(`${fifteen}/x`), { code: 'HierarchyLevelLimitExceededException' });
});

test('ARNs drop the leading slash of a hierarchical name', () => {
  assert.equal(parameterArn('eu-west-1', '123456789012', '/prod/api-key'), 'arn:aws:ssm:eu-west-1:123456789012:parameter/prod/api-key');
  assert.equal(parameterArn('eu-west-1', '123456789012', 'flat'), 'arn:aws:ssm:eu-west-1:123456789012:parameter/flat');
});

test('selectors: name, name:version, name:label and ARNs round-trip', () => {
  assert.deepEqual(parseSelector('/a/b'), { name: '/a/b' });
  assert.deepEqual(parseSelector('/a/b:3'), { name: '/a/b', text: ':3', version: 3 });
  assert.deepEqual(parseSelector('flat:prod'), { name: 'flat', text: ':prod', label: 'prod' });
  assert.deepEqual(parseSelector('arn:aws:ssm:us-east-1:123456789012:parameter/prod/key:live'),
    { name: '/prod/key', arn: { region: 'us-east-1', account: '123456789012' }, text: ':live', label: 'live' });
  assert.deepEqual(parseSelector('arn:aws:ssm:us-east-1:123456789012:parameter/flat'),
    { name: 'flat', arn: { region: 'us-east-1', account: '123456789012' } });
  fc.assert(fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), fc.nat(1000), (parts, version) => {
    const name = `/${parts.join('/')}`;
    assert.deepEqual(parseSelector(`${name}:${version}`), { name, text: `:${version}`, version });
    const arn = parameterArn('us-east-1', '123456789012', name);
    assert.equal(parseSelector(arn).name, parts.length > 1 ? name : parts[0]);
  }));
});

test('paths: one level sees direct children only; recursive sees everything below; "/" holds every hierarchical name', () => {
  assert.equal(underPath('/a/b', '/a', false), true);
  assert.equal(underPath('/a/b/c', '/a', false), false);
  assert.equal(underPath('/a/b/c', '/a/', true), true);
  assert.equal(underPath('/ab/c', '/a', true), false);
  assert.equal(underPath('/a', '/a', true), false);
  assert.equal(underPath('/a', '/', false), true);
  assert.equal(underPath('flat', '/', true), false);
  fc.assert(fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.array(segment, { minLength: 1, maxLength: 4 }), (base, rest) => {
    const path = `/${base.join('/')}`;
    const name = `${path}/${rest.join('/')}`;
    assert.equal(underPath(name, path, true), true);
    assert.equal(underPath(name, path, false), rest.length === 1);
  }));
});

test('labels: ≤ 100 characters of letters, digits, . - _; not starting with a digit, aws or ssm', () => {
  for (const good of ['prod', 'Release-1.2_x', 'a'.repeat(100), 'v2']) assert.equal(labelProblem(good), undefined, good);
  for (const bad of ['', 'a'.repeat(101), '1st', 'AWSx', 'ssm-live', 'has space', 'a/b', 'x:y']) assert.notEqual(labelProblem(bad), undefined, bad);
  fc.assert(fc.property(fc.string({ maxLength: 120 }), (label) => {
    const ok = labelProblem(label) === undefined;
    assert.equal(ok, /^[a-zA-Z_.-][a-zA-Z0-9_.-]{0,99}$/.test(label) && !/^(aws|ssm)/i.test(label));
  }));
});
