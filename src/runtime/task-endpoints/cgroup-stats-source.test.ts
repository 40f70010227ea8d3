import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ManualClock } from '../../platform/clock.ts';
import { CgroupStatsSource } from './cgroup-stats-source.ts';
import { GO_ZERO_TIME, goTime, jsonText } from './go-json.ts';
import type { ContainerSample } from './stats-json.ts';

/** A reader whose counters grow by 1 ms of CPU and 1000 received bytes per read. */
function countingReader() {
  const reads = new Map<string, number>();
  return {
    async sample(_taskId: string, runtimeId: string, read: Date): Promise<ContainerSample | undefined> {
      if (runtimeId.endsWith('-gone')) return undefined;
      const n = (reads.get(runtimeId) ?? 0) + 1;
      reads.set(runtimeId, n);
      const big = BigInt(n);
      return {
        read, cgroupVersion: 2,
        cpu: { totalNs: big * 1_000_000n, userNs: big * 600_000n, systemNs: big * 400_000n, periods: 0n, throttledPeriods: 0n, throttledNs: 0n },
        systemCpuNs: big * 10_000_000n, onlineCpus: 2,
        memory: { usage: 4096n, limit: 1n << 30n, stats: {} }, pids: { current: 1n }, blkio: { serviceBytes: [], serviced: [] },
        networks: { eth0: { rxBytes: big * 1000n, rxPackets: big, rxErrors: 0n, rxDropped: 0n, txBytes: 0n, txPackets: 0n, txErrors: 0n, txDropped: 0n } },
      };
    },
    async startedAt(): Promise<Date | undefined> {
      return new Date('2024-01-01T00:00:00Z');
    },
  };
}

const target = (runtimeId: string) => ({ taskId: 't', runtimeId, name: 'app' });

describe('cgroup stats source', () => {
  test('the previous read of the same container is precpu_stats, and network rates are per second since it', async () => {
    const clock = new ManualClock(new Date('2024-01-01T00:00:10Z'));
    const source = new CgroupStatsSource({ reader: countingReader(), clock });
    const first = JSON.parse(jsonText((await source.stats(target('c1'))) ?? {})) as Record<string, unknown>;
    assert.equal(first['preread'], GO_ZERO_TIME);
    assert.equal('network_rate_stats' in first, false);
    clock.advance(2_000);
    const second = JSON.parse(jsonText((await source.stats(target('c1'))) ?? {})) as {
      read: string; preread: string; name: string; id: string; network_rate_stats: unknown;
      cpu_stats: { cpu_usage: { total_usage: number } }; precpu_stats: { cpu_usage: { total_usage: number } };
    };
    assert.equal(second.read, goTime(new Date('2024-01-01T00:00:12Z')));
    assert.equal(second.preread, goTime(new Date('2024-01-01T00:00:10Z')));
    assert.equal(second.precpu_stats.cpu_usage.total_usage, 1_000_000);
    assert.equal(second.cpu_stats.cpu_usage.total_usage, 2_000_000);
    assert.deepEqual(second.network_rate_stats, { rx_bytes_per_sec: 500, tx_bytes_per_sec: 0 });
    assert.equal(second.name, 'app');
    assert.equal(second.id, 'c1');
  });

  test('a container without a cgroup has no stats', async () => {
    const source = new CgroupStatsSource({ reader: countingReader(), clock: new ManualClock(new Date()) });
    assert.equal(await source.stats(target('c1-gone')), undefined);
  });

  test('previous samples are bounded: past the limit the least recently read container starts over', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 12 }), async (max, containers) => {
      const source = new CgroupStatsSource({ reader: countingReader(), clock: new ManualClock(new Date()), maxContainers: max });
      for (let i = 0; i < containers; i += 1) await source.stats(target(`c${i}`));
      // Reading the first container again: it kept its previous sample only if it was not evicted.
      const again = JSON.parse(jsonText((await source.stats(target('c0'))) ?? {})) as Record<string, unknown>;
      assert.equal(again['preread'] === GO_ZERO_TIME, containers > max);
    }), { numRuns: 50 });
  });
});
