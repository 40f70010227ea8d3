import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesFilters } from './filters.ts';

const secret = { name: 'prod/db-url', description: 'Database URL', tags: { team: 'Payments', env: 'prod' } };

test('name, tag-key and tag-value are case-sensitive prefixes; description is not', () => {
  assert.equal(matchesFilters(secret, [{ Key: 'name', Values: ['prod/'] }]), true);
  assert.equal(matchesFilters(secret, [{ Key: 'name', Values: ['Prod/'] }]), false);
  assert.equal(matchesFilters(secret, [{ Key: 'description', Values: ['database'] }]), true);
  assert.equal(matchesFilters(secret, [{ Key: 'tag-key', Values: ['te'] }]), true);
  assert.equal(matchesFilters(secret, [{ Key: 'tag-value', Values: ['pay'] }]), false);
  assert.equal(matchesFilters(secret, [{ Key: 'primary-region', Values: ['us'] }]), false);
});

test('! negates, values are alternatives, filters all apply, all searches words', () => {
  assert.equal(matchesFilters(secret, [{ Key: 'name', Values: ['!prod'] }]), false);
  assert.equal(matchesFilters(secret, [{ Key: 'name', Values: ['!dev'] }]), true);
  assert.equal(matchesFilters(secret, [{ Key: 'name', Values: ['dev', 'prod'] }]), true);
  assert.equal(matchesFilters(secret, [{ Key: 'name', Values: ['prod'] }, { Key: 'tag-key', Values: ['owner'] }]), false);
  assert.equal(matchesFilters(secret, [{ Key: 'all', Values: ['url payments'] }]), true);
  assert.equal(matchesFilters(secret, [{ Key: 'all', Values: ['staging'] }]), false);
});
