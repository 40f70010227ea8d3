import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cleanups } from './cleanups.ts';
import { mountPointsUnder } from './host-commands.ts';
import { formatTaskReport, taskErrorLines, type TaskReportInput } from './task-report.ts';

const memory = { tasks: 100, running: 100, serverBeforeKiB: 100_000, serverAtKiB: 110_000, childrenRssKiB: 1_000_000, childrenPssKiB: 500_000, children: 100 };

function input(overrides: Partial<TaskReportInput> = {}): TaskReportInput {
  return {
    header: ['head'],
    rows: [{
      scenario: 'one',
      cells: {
        berth: { kind: 'measured', sample: { latenciesMs: [200, 400], failures: [] } },
        runc: { kind: 'measured', sample: { latenciesMs: [50, 100], failures: [] } },
        docker: { kind: 'measured', sample: { latenciesMs: [400, 800], failures: [] } },
      },
    }],
    memory,
    problems: [],
    notes: [],
    ...overrides,
  };
}

test('the table gives Berth/runc and Berth/docker ratios of p50 and p99, and the memory per task', () => {
  const text = formatTaskReport(input());
  const row = text.split('\n').find((l) => l.startsWith('one')) ?? '';
  assert.deepEqual(row.split(/\s{2,}/).slice(1), ['2', '200', '400', '50.0', '100', '400', '800', '4.00×', '4.00×', '0.50×', '0.50×', '0/0/0']);
  assert.match(text, /→ 100 KiB per running task/);
  assert.match(text, /RSS 976\.6 MiB → 10000 KiB per running task; PSS 488\.3 MiB → 5000 KiB/);
  assert.match(text, /No failures/);
  assert.deepEqual(taskErrorLines(input()), []);
});

test('a missing docker says so and why, loudly, with dashes for its figures', () => {
  const base = input();
  const row = base.rows[0];
  assert.ok(row);
  row.cells.docker = { kind: 'missing', why: 'dockerd is not installed (apt-get install -y docker.io)' };
  const text = formatTaskReport(base);
  assert.match(text, /!!! docker's columns are missing — docker: dockerd is not installed \(apt-get install -y docker\.io\)/);
  assert.match(text.split('\n').find((l) => l.startsWith('one')) ?? '', /4\.00×\s+4\.00×\s+—\s+—\s+0\/0\/—$/);
});

test('failures, short memory runs and problems make the run fail', () => {
  const base = input({ memory: { ...memory, running: 97 }, problems: ['Berth left behind: network namespace bth-x'] });
  const berth = base.rows[0]?.cells.berth;
  if (berth?.kind === 'measured') berth.sample.failures.push('task 1 not RUNNING within 120 s');
  const lines = taskErrorLines(base);
  assert.equal(lines.length, 3);
  assert.match(formatTaskReport(base), /THE TASKS BENCHMARK HAD FAILURES/);
});

test('mount points under a directory, longest first (a nested mount before its parent), with mountinfo escapes decoded', () => {
  const mountinfo = [
    '22 1 8:1 / / rw - ext4 /dev/vda rw',
    '90 22 0:50 / /tmp/b/c1/rootfs rw - overlay overlay rw',
    '91 22 0:51 / /tmp/b/c1/rootfs/proc rw - proc proc rw',
    '92 22 0:52 / /tmp/bb/x rw - tmpfs tmpfs rw',
    '93 22 0:53 / /tmp/b/with\\040space rw - tmpfs tmpfs rw',
  ].join('\n');
  assert.deepEqual(mountPointsUnder(mountinfo, '/tmp/b'), ['/tmp/b/c1/rootfs/proc', '/tmp/b/with space', '/tmp/b/c1/rootfs']);
});

test('cleanups run newest first, once, and a failure does not stop the rest', async () => {
  const order: string[] = [];
  const cleanups = new Cleanups();
  cleanups.add({ what: 'a', undo: async () => { order.push('a'); } });
  const runB = cleanups.add({ what: 'b', undo: async () => { order.push('b'); } });
  cleanups.add({ what: 'c', undo: async () => { throw new Error('busy'); } });
  await runB();
  await cleanups.undoAll();
  await cleanups.undoAll();
  assert.deepEqual(order, ['b', 'a']);
  assert.deepEqual(cleanups.failures(), ['c: busy']);
});
