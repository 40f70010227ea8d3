// The cgroup reader on fake v1 and v2 trees written to a temp dir (the kernel's file formats, values
// chosen so each member can be told apart), and the stats JSON built from what it read.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CgroupReader } from './cgroup-reader.ts';
import { jsonText } from './go-json.ts';
import { dockerStats } from './stats-json.ts';

const TASK = 'cd189a933e5849daa93386466019ab50';
const RUNTIME = `bth-${TASK}-0`;
const REL = `/bth/${TASK}/${RUNTIME}`;
const PID = 4242;
const BOOT = 1_700_000_000;

async function files(root: string, tree: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(tree)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

/** /proc and /sys as the reader needs them: host CPU time, boot time, the container's process and its netns. */
function procTree(): Record<string, string> {
  return {
    'proc/stat': 'cpu  100 0 50 1000 5 0 2 0 0 0\ncpu0 50 0 25 500 2 0 1 0 0 0\nbtime 1700000000\n',
    [`proc/${PID}/stat`]: `${PID} (sh (busy)) S 1 ${PID} ${PID} 0 -1 4194560 1 0 0 0 3 1 0 0 20 0 1 0 12345 1000000 100 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n`,
    [`proc/${PID}/net/dev`]: [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '    lo:     500       5    0    0    0     0          0         0      500       5    0    0    0     0       0          0',
      '  eth0:    2048      16    1    2    0     0          0         0     1024       8    3    4    0     0       0          0',
      '',
    ].join('\n'),
    'sys/devices/system/cpu/online': '0-1\n',
  };
}

describe('cgroup reader', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bth-cgroup-reader-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const reader = (root: string) => new CgroupReader({
    containerPath: (taskId, runtimeId) => `/bth/${taskId}/${runtimeId}`,
    cgroupRoot: join(root, 'cgroup'), procRoot: join(root, 'proc'), sysRoot: join(root, 'sys'),
  });

  test('cgroup v1: one hierarchy per controller, CFQ blkio empty so the throttle files count', async () => {
    const root = join(dir, 'v1');
    await files(root, {
      ...procTree(),
      [`cgroup/memory${REL}/cgroup.procs`]: `${PID}\n`,
      [`cgroup/memory${REL}/memory.usage_in_bytes`]: '6504448\n',
      [`cgroup/memory${REL}/memory.max_usage_in_bytes`]: '8458240\n',
      [`cgroup/memory${REL}/memory.failcnt`]: '0\n',
      [`cgroup/memory${REL}/memory.limit_in_bytes`]: '9223372036854771712\n',
      [`cgroup/memory${REL}/memory.stat`]: 'cache 4096\nrss 1675264\ntotal_rss 1675264\n',
      [`cgroup/cpuacct${REL}/cpuacct.usage`]: '1137691504\n',
      [`cgroup/cpuacct${REL}/cpuacct.usage_percpu`]: '696479228 441212276 \n',
      [`cgroup/cpuacct${REL}/cpuacct.stat`]: 'user 81\nsystem 8\n',
      [`cgroup/cpu${REL}/cpu.stat`]: 'nr_periods 10\nnr_throttled 2\nthrottled_time 300000\n',
      [`cgroup/pids${REL}/pids.current`]: '3\n',
      [`cgroup/pids${REL}/pids.max`]: 'max\n',
      [`cgroup/blkio${REL}/blkio.io_service_bytes_recursive`]: 'Total 0\n',
      [`cgroup/blkio${REL}/blkio.throttle.io_service_bytes_recursive`]: '8:0 Read 4096\n8:0 Write 8192\n8:0 Total 12288\nTotal 12288\n',
      [`cgroup/blkio${REL}/blkio.throttle.io_serviced_recursive`]: '8:0 Read 1\n8:0 Write 2\n8:0 Total 3\nTotal 3\n',
    });
    const read = new Date('2020-10-08T21:24:44.938Z');
    const sample = await reader(root).sample(TASK, RUNTIME, read);
    assert.ok(sample);
    assert.equal(sample.cgroupVersion, 1);
    assert.deepEqual(sample.cpu, {
      totalNs: 1137691504n, userNs: 810000000n, systemNs: 80000000n, perCpuNs: [696479228n, 441212276n],
      periods: 10n, throttledPeriods: 2n, throttledNs: 300000n,
    });
    // (100 + 0 + 50 + 1000 + 5 + 0 + 2) ticks × 10 ms.
    assert.equal(sample.systemCpuNs, 11_570_000_000n);
    assert.equal(sample.onlineCpus, 2);
    assert.deepEqual(sample.memory, {
      usage: 6504448n, maxUsage: 8458240n, failcnt: 0n, limit: 9223372036854771712n, stats: { cache: 4096n, rss: 1675264n, total_rss: 1675264n },
    });
    assert.deepEqual(sample.pids, { current: 3n });
    assert.deepEqual(sample.blkio.serviceBytes.map((e) => `${e.major}:${e.minor} ${e.op} ${e.value}`), ['8:0 Read 4096', '8:0 Write 8192', '8:0 Total 12288']);
    assert.equal(sample.blkio.serviced.length, 3);
    assert.deepEqual(Object.keys(sample.networks), ['eth0']);
    assert.equal(sample.networks['eth0']?.rxBytes, 2048n);
    assert.equal(sample.networks['eth0']?.txDropped, 4n);

    const json = dockerStats(sample, undefined, { id: RUNTIME, name: 'curl' });
    assert.deepEqual(Object.keys(json), [
      'read', 'preread', 'pids_stats', 'blkio_stats', 'num_procs', 'storage_stats', 'cpu_stats', 'precpu_stats', 'memory_stats', 'name', 'id', 'networks',
    ]);
    const text = jsonText(json);
    // Exact 64-bit values, Go's zero time before a previous sample, failcnt 0 left out (omitempty).
    assert.match(text, /"limit":9223372036854771712/);
    assert.match(text, /"preread":"0001-01-01T00:00:00Z"/);
    assert.doesNotMatch(text, /failcnt/);
    assert.match(text, /"io_queue_recursive":\[\]/);
    const parsed = JSON.parse(text) as { precpu_stats: unknown; networks: unknown };
    assert.deepEqual(parsed.precpu_stats, {
      cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
      throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
    });
    assert.deepEqual(parsed.networks, {
      eth0: { rx_bytes: 2048, rx_packets: 16, rx_errors: 1, rx_dropped: 2, tx_bytes: 1024, tx_packets: 8, tx_errors: 3, tx_dropped: 4 },
    });

    // The container's earliest process started 12345 ticks (123.45 s) after boot.
    assert.deepEqual(await reader(root).startedAt(TASK, RUNTIME), new Date(BOOT * 1000 + 123_450));
  });

  test('cgroup v2: one hierarchy, microsecond CPU times, io.stat, unlimited memory as 2^64-1', async () => {
    const root = join(dir, 'v2');
    await files(root, {
      ...procTree(),
      'cgroup/cgroup.controllers': 'cpu memory pids io\n',
      [`cgroup${REL}/cgroup.procs`]: `${PID}\n`,
      [`cgroup${REL}/memory.current`]: '1048576\n',
      [`cgroup${REL}/memory.max`]: 'max\n',
      [`cgroup${REL}/memory.stat`]: 'anon 4096\nfile 8192\n',
      [`cgroup${REL}/cpu.stat`]: 'usage_usec 2000\nuser_usec 1500\nsystem_usec 500\nnr_periods 4\nnr_throttled 1\nthrottled_usec 7\n',
      [`cgroup${REL}/pids.current`]: '2\n',
      [`cgroup${REL}/pids.max`]: '4096\n',
      [`cgroup${REL}/io.stat`]: '8:0 rbytes=4096 wbytes=512 rios=2 wios=1 dbytes=0 dios=0\n',
    });
    const sample = await reader(root).sample(TASK, RUNTIME, new Date('2020-10-08T21:24:44Z'));
    assert.ok(sample);
    assert.equal(sample.cgroupVersion, 2);
    assert.deepEqual(sample.cpu, { totalNs: 2_000_000n, userNs: 1_500_000n, systemNs: 500_000n, periods: 4n, throttledPeriods: 1n, throttledNs: 7000n });
    assert.deepEqual(sample.memory, { usage: 1048576n, limit: 18446744073709551615n, stats: { anon: 4096n, file: 8192n } });
    assert.deepEqual(sample.pids, { current: 2n, limit: 4096n });
    assert.deepEqual(sample.blkio.serviceBytes.map((e) => `${e.op} ${e.value}`), ['read 4096', 'write 512']);
    assert.deepEqual(sample.blkio.serviced.map((e) => `${e.op} ${e.value}`), ['read 2', 'write 1']);
    const text = jsonText(dockerStats(sample, undefined, { id: RUNTIME, name: 'curl' }));
    assert.match(text, /"limit":18446744073709551615/);
    assert.match(text, /"io_queue_recursive":null/);
    assert.doesNotMatch(text, /percpu_usage|max_usage/);
  });

  test('a container without a cgroup has no sample and no start time', async () => {
    const root = join(dir, 'v1');
    assert.equal(await reader(root).sample(TASK, `bth-${TASK}-9`, new Date()), undefined);
    assert.equal(await reader(root).startedAt(TASK, `bth-${TASK}-9`), undefined);
  });
});
