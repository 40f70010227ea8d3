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

test('a dependency\'s startTimeout gives up on it; without one the dependent waits', () => {
  const d: ContainerDefinition[] = [{ name: 'slow', image: 'i', startTimeout: 10 }, { name: 'main', image: 'i', dependsOn: [{ containerName: 'slow', condition: 'COMPLETE' }] }];
  assert.deepEqual(resolveDependencies(d, { slow: started() }, T0, at(9)), { ready: [], blocked: [] });
  const late = resolveDependencies(d, { slow: started() }, T0, at(10));
  assert.equal(late.blocked[0]?.name, 'main');
  assert.match(late.blocked[0]?.reason ?? '', /^CannotStartContainerError: dependency graph: container slow did not reach COMPLETE within its startTimeout of 10 s/);
});

test('HEALTHY cannot be met without health checks, and a blocked container blocks its own dependents', () => {
  const d: ContainerDefinition[] = [{ name: 'db', image: 'i' }, { name: 'api', image: 'i', dependsOn: [{ containerName: 'db', condition: 'HEALTHY' }] },
    { name: 'web', image: 'i', dependsOn: [{ containerName: 'api', condition: 'START' }] }];
  const first = resolveDependencies(d, { db: started() }, T0, T0);
  assert.equal(first.blocked[0]?.name, 'api');
  assert.match(first.blocked[0]?.reason ?? '', /cannot become HEALTHY: Berth does not run container health checks yet/);
  const then = resolveDependencies(d, { db: started(), api: { runtimeId: '', never: true, exit: { oomKilled: false, reason: 'x' } } }, T0, T0);
  assert.deepEqual(then.blocked.map((b) => b.name), ['web']);
  assert.match(then.blocked[0]?.reason ?? '', /\[api\(i\) \(STOPPED->RUNNING\)\] for target \[web\(i\) \(NONE->RUNNING\)\] as dependency will never start\.$/);
});

test('containers stop in reverse dependency order', () => {
  assert.deepEqual(stopWaves(defs, ['migrate', 'proxy', 'app']), [['app'], ['migrate', 'proxy']]);
  assert.deepEqual(stopWaves(defs, ['proxy']), [['proxy']]);
  const chain: ContainerDefinition[] = [{ name: 'a', image: 'i' }, { name: 'b', image: 'i', dependsOn: [{ containerName: 'a', condition: 'START' }] },
    { name: 'c', image: 'i', dependsOn: [{ containerName: 'b', condition: 'START' }] }];
  assert.deepEqual(stopWaves(chain, ['a', 'b', 'c']), [['c'], ['b'], ['a']]);
});
