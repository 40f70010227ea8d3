import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DockerEngineError } from '../drivers/docker/engine-client.ts';
import { DockerStatsSource } from './docker-stats-source.ts';

/** An engine with one running container (`bth-t-0`), one exited (`bth-t-1`), and nothing else. */
function fakeEngine(calls: string[]) {
  return {
    async json<T>(method: string, path: string, options: { query?: Record<string, unknown> } = {}): Promise<T> {
      calls.push(`${method} ${path} ${JSON.stringify(options.query ?? {})}`);
      const id = /^\/containers\/([^/]+)\//.exec(path)?.[1];
      if (id !== 'bth-t-0' && id !== 'bth-t-1') throw new DockerEngineError(`GET ${path}`, 404, `No such container: ${id}`);
      if (path.endsWith('/json')) {
        return { State: { Running: id === 'bth-t-0', StartedAt: '2024-01-15T16:23:45.123456789Z' } } as T;
      }
      return { read: '2024-01-15T16:24:00.1Z', name: `/${id}`, id: 'f'.repeat(64), cpu_stats: { online_cpus: 2 } } as T;
    },
  };
}

describe('Docker stats source', () => {
  test('the engine\'s stats of a running container, named as ECS names it', async () => {
    const calls: string[] = [];
    const source = new DockerStatsSource(fakeEngine(calls));
    const stats = await source.stats({ taskId: 't', runtimeId: 'bth-t-0', name: 'app' });
    assert.deepEqual(stats, { read: '2024-01-15T16:24:00.1Z', name: 'app', id: 'bth-t-0', cpu_stats: { online_cpus: 2 } });
    assert.ok(calls.includes('GET /containers/bth-t-0/stats {"stream":false}'));
    assert.deepEqual(await source.startedAt({ taskId: 't', runtimeId: 'bth-t-0', name: 'app' }), new Date('2024-01-15T16:23:45.123Z'));
  });

  test('an exited or unknown container has no stats and no start time', async () => {
    const source = new DockerStatsSource(fakeEngine([]));
    for (const runtimeId of ['bth-t-1', 'bth-t-9']) {
      assert.equal(await source.stats({ taskId: 't', runtimeId, name: 'app' }), undefined);
      assert.equal(await source.startedAt({ taskId: 't', runtimeId, name: 'app' }), undefined);
    }
  });

  test('other engine errors are not hidden', async () => {
    const source = new DockerStatsSource({ json: async () => { throw new DockerEngineError('GET', 500, 'boom'); } });
    await assert.rejects(source.stats({ taskId: 't', runtimeId: 'bth-t-0', name: 'app' }), /boom/);
  });
});
