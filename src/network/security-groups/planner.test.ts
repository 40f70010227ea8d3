import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { planFirewall, type DesiredTable } from './planner.ts';

const TASKS = ['t1', 't2', 't3', 't4', 't5'];
const DIGESTS = ['d1', 'd2', 'd3'];

const desiredArbitrary = fc.uniqueArray(
  fc.record({ taskId: fc.constantFrom(...TASKS), digest: fc.constantFrom(...DIGESTS) }),
  { selector: (entry) => entry.taskId },
).map((entries): DesiredTable[] => entries.map((e) => ({ ...e, netnsPath: `/var/run/netns/bth-${e.taskId}`, script: `script ${e.digest}` })));

const observedArbitrary = fc.uniqueArray(fc.tuple(fc.constantFrom(...TASKS), fc.constantFrom(...DIGESTS)), { selector: ([taskId]) => taskId })
  .map((entries) => new Map(entries));

test('applies exactly the tables that changed or were never applied, and forgets exactly the tasks gone', () => {
  fc.assert(fc.property(desiredArbitrary, observedArbitrary, (desired, observed) => {
    const actions = planFirewall({ desired, observed });
    const applied = actions.filter((a) => a.kind === 'apply').map((a) => a.taskId).sort();
    const forgotten = actions.filter((a) => a.kind === 'forget').map((a) => a.taskId).sort();
    assert.deepEqual(applied, desired.filter((d) => observed.get(d.taskId) !== d.digest).map((d) => d.taskId).sort());
    assert.deepEqual(forgotten, [...observed.keys()].filter((taskId) => !desired.some((d) => d.taskId === taskId)).sort());
    // Applying the plan reaches a fixpoint: planning again changes nothing.
    const after = new Map(observed);
    for (const action of actions) {
      if (action.kind === 'apply') after.set(action.taskId, action.digest);
      else after.delete(action.taskId);
    }
    assert.deepEqual(planFirewall({ desired, observed: after }), []);
  }));
});

test('an apply carries the namespace and script of its task', () => {
  const desired = [{ taskId: 't1', netnsPath: '/var/run/netns/bth-t1', script: 'S', digest: 'd' }];
  assert.deepEqual(planFirewall({ desired, observed: new Map() }), [{ kind: 'apply', taskId: 't1', netnsPath: '/var/run/netns/bth-t1', script: 'S', digest: 'd' }]);
});
