// dependsOn resolution and stop order, as the ECS agent applies them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import { resolveDependencies, stopWaves } from './dependencies.ts';
import type { ObservedContainer } from './model.ts';

const T0 = new Date('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const started = (exitCode?: number): ObservedContainer => ({ runtimeId: 'x', ...(exitCode !== undefined ? { exit: { exitCode, oomKilled: false } } : {}) });

const defs: ContainerDefinition[] = [
  { name: 'migrate', image: 'app:1', essential: false },
  { name: 'proxy', image: 'envoy:1', essential: false },
  { name: 'app', image: 'app:1', dependsOn: [{ containerName: 'migrate', condition: 'SUCCESS' }, { containerName: 'proxy', condition: 'START' }] },
];

test('containers without dependencies start first; a dependent waits for its conditions', () => {
  assert.deepEqual(resolveDependencies(defs, {}, T0, T0), { ready: ['migrate', 'proxy'], blocked: [] });
  assert.deepEqual(resolveDependencies(defs, { migrate: started(), proxy: started() }, T0, T0), { ready: [], blocked: [] });
  assert.deepEqual(resolveDependencies(defs, { migrate: started(0), proxy: started() }, T0, T0), { ready: ['app'], blocked: [] });
});

test('SUCCESS after a non-zero exit can never be met: the agent\'s terminal dependency error', () => {
  const state = resolveDependencies(defs, { migrate: started(1), proxy: started() }, T0, T0);
  assert.deepEqual(state.ready, []);
  assert.deepEqual(state.blocked, [{
    name: 'app',
    reason: 'CannotStartContainerError: dependency graph: failed to resolve container ordering dependency [migrate(app:1) (STOPPED->RUNNING) - Exit: 1] for target [app(app:1) (NONE->RUNNING)] as dependency did not exit successfully.',
  }]);
});

test('COMPLETE accepts any exit code; START is met by a container that already exited', () => {
  const d: ContainerDefinition[] = [{ name: 'a', image: 'i' }, { name: 'b', image: 'i', dependsOn: [{ containerName: 'a', condition: 'COMPLETE' }] },
    { name: 'c', image: 'i', dependsOn: [{ containerName: 'a', condition: 'START' }] }];
  assert.deepEqual(resolveDependencies(d, { a: started(3) }, T0, T0).ready, ['b', 'c']);
});

test('a dependency\'s startTimeout gives up on it, counted from its own start, for SUCCESS, COMPLETE and HEALTHY only', () => {
  const d: ContainerDefinition[] = [{ name: 'slow', image: 'i', startTimeout: 10 }, { name: 'main', image: 'i', dependsOn: [{ containerName: 'slow', condition: 'COMPLETE' }] }];
  assert.deepEqual(resolveDependencies(d, { slow: started() }, T0, at(9)), { ready: [], blocked: [] });
  const late = resolveDependencies(d, { slow: started() }, T0, at(10));
  assert.equal(late.blocked[0]?.name, 'main');
  assert.equal(late.blocked[0]?.reason,
    'CannotStartContainerError: dependency graph: container ordering dependency [slow(i) (RUNNING->RUNNING)] for target [main(i) (NONE->RUNNING)] has timed out.');
  // From the dependency's start, not the task's: it started 5 s in, so 12 s in it is still within its 10 s.
  assert.deepEqual(resolveDependencies(d, { slow: { ...started(), startedAt: at(5) } }, T0, at(12)), { ready: [], blocked: [] });
  // A dependency that has not started yet cannot time out (the agent's GetStartedAt().IsZero()).
  assert.deepEqual(resolveDependencies(d, {}, T0, at(60)).blocked, []);
  // START has no timeout.
  const startOnly: ContainerDefinition[] = [{ name: 'slow', image: 'i', startTimeout: 2 }, { name: 'main', image: 'i', dependsOn: [{ containerName: 'slow', condition: 'START' }] }];
  assert.deepEqual(resolveDependencies(startOnly, {}, T0, at(60)), { ready: ['slow'], blocked: [] });
});

const healthy = (health: 'UNKNOWN' | 'HEALTHY' | 'UNHEALTHY'): ObservedContainer => ({ runtimeId: 'x', health });

test('HEALTHY waits for the dependency\'s health check to pass; a blocked container blocks its own dependents', () => {
  const d: ContainerDefinition[] = [
    { name: 'db', image: 'i', healthCheck: { command: ['CMD-SHELL', 'true'] }, startTimeout: 30 },
    { name: 'api', image: 'i', dependsOn: [{ containerName: 'db', condition: 'HEALTHY' }] },
    { name: 'web', image: 'i', dependsOn: [{ containerName: 'api', condition: 'START' }] },
  ];
  assert.deepEqual(resolveDependencies(d, {}, T0, T0).ready, ['db']);
  assert.deepEqual(resolveDependencies(d, { db: started() }, T0, at(5)), { ready: [], blocked: [] }, 'no result yet');
  assert.deepEqual(resolveDependencies(d, { db: healthy('UNHEALTHY') }, T0, at(5)), { ready: [], blocked: [] }, 'unhealthy may still heal');
  assert.deepEqual(resolveDependencies(d, { db: healthy('HEALTHY') }, T0, at(5)), { ready: ['api'], blocked: [] });
  const timedOut = resolveDependencies(d, { db: healthy('UNKNOWN') }, T0, at(30));
  assert.match(timedOut.blocked[0]?.reason ?? '', /\[db\(i\) \(RUNNING->RUNNING\)\] for target \[api\(i\) \(NONE->RUNNING\)\] has timed out\.$/);
  const stopped = resolveDependencies(d, { db: { runtimeId: 'x', health: 'UNKNOWN', exit: { exitCode: 1, oomKilled: false } } }, T0, at(5));
  assert.match(stopped.blocked[0]?.reason ?? '', /as dependency stopped before it became healthy\.$/);
  const then = resolveDependencies(d, { db: started(), api: { runtimeId: '', never: true, exit: { oomKilled: false, reason: 'x' } } }, T0, T0);
  assert.deepEqual(then.blocked.map((b) => b.name), ['web']);
  assert.match(then.blocked[0]?.reason ?? '', /\[api\(i\) \(STOPPED->RUNNING\)\] for target \[web\(i\) \(NONE->RUNNING\)\] as dependency will never start\.$/);
});

test('HEALTHY on a dependency without a health check can never be met', () => {
  const d: ContainerDefinition[] = [{ name: 'db', image: 'i' }, { name: 'api', image: 'i', dependsOn: [{ containerName: 'db', condition: 'HEALTHY' }] }];
  const first = resolveDependencies(d, { db: started() }, T0, T0);
  assert.equal(first.blocked[0]?.name, 'api');
  assert.equal(first.blocked[0]?.reason,
    'CannotStartContainerError: dependency graph: failed to resolve container ordering dependency [db(i) (RUNNING->RUNNING)] for target [api(i) (NONE->RUNNING)] as dependency has no health check.');
});

test('containers stop in reverse dependency order', () => {
  assert.deepEqual(stopWaves(defs, ['migrate', 'proxy', 'app']), [['app'], ['migrate', 'proxy']]);
  assert.deepEqual(stopWaves(defs, ['proxy']), [['proxy']]);
  const chain: ContainerDefinition[] = [{ name: 'a', image: 'i' }, { name: 'b', image: 'i', dependsOn: [{ containerName: 'a', condition: 'START' }] },
    { name: 'c', image: 'i', dependsOn: [{ containerName: 'b', condition: 'START' }] }];
  assert.deepEqual(stopWaves(chain, ['a', 'b', 'c']), [['c'], ['b'], ['a']]);
});
