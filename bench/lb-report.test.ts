// The load balancer report: Berth/direct and Berth/nginx ratios of req/s and p50/p99, the control-plane
// comparison, memory, and errors (failed requests, missing peers, problems) that fail the run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSummary } from './lb-hammer.ts';
import { formatLbReport, lbErrorLines, type LbCell, type LbCells, type LbReportInput } from './lb-report.ts';

/** `n` requests of `latency` ms each over `elapsedMs`. */
function cell(n: number, latency: number, elapsedMs: number, errors = 0): LbCell {
  const errorKinds = new Map<string, number>(errors > 0 ? [['UnexpectedAnswer: HTTP 502: Bad Gateway', errors]] : []);
  return { kind: 'measured', result: { concurrency: 1, latenciesMs: Array.from({ length: n }, () => latency), errors, errorKinds, elapsedMs, stoppedBy: 'time' } };
}

const cells = (): LbCells => ({ alb: cell(1000, 2, 1000), direct: cell(2000, 1, 1000), nginx: cell(4000, 0.5, 1000) });

function input(overrides: Partial<LbReportInput> = {}): LbReportInput {
  return {
    header: ['head'],
    rows: [{ concurrency: 16, cells: cells() }],
    controlPlane: {
      concurrency: 16, idle: cells(), loaded: { alb: cell(500, 4, 1000), direct: cell(2000, 1, 1000), nginx: cell(4000, 0.5, 1000) },
      hammer: { writes: 3000, errors: 0, errorKinds: {}, elapsedMs: 10_000 }, hammerClients: 16,
    },
    memory: { pid: 42, readings: [{ when: 'before', kib: 100 * 1024 }, { when: 'after', kib: 110 * 1024 }] },
    problems: [],
    notes: ['a note'],
    ...overrides,
  };
}

const rowAfter = (text: string, title: string): string[] => {
  const lines = text.split('\n');
  return (lines[lines.indexOf(title) + 3] ?? '').trim().split(/\s{2,}/);
};

test('requests/s and the Berth/direct and Berth/nginx ratios', () => {
  assert.deepEqual(rowAfter(formatLbReport(input()), 'Requests/s:'), ['16', '1000', '2000', '4000', '0.50×', '0.25×', '0/0/0']);
});

test('p50/p99 of each path and Berth/peer latency ratios', () => {
  assert.deepEqual(rowAfter(formatLbReport(input()), 'Latency (ms):'),
    ['16', '2.00', '2.00', '1.00', '1.00', '0.50', '0.50', '2.00×', '2.00×', '4.00×', '4.00×']);
});

test('the control-plane comparison gives loaded/idle per path and the writes sent', () => {
  const text = formatLbReport(input());
  assert.match(text, /while 16 clients send RegisterTaskDefinition and TagResource to Berth's API: 3000 writes in 10\.0 s \(300 writes\/s\), 0 errors/);
  const alb = text.split('\n').find((l) => l.startsWith('Berth ALB')) ?? '';
  assert.deepEqual(alb.split(/\s{2,}/), ['Berth ALB', '1000', '500', '2.00', '4.00', '2.00', '4.00', '2.00×', '2.00×', '0/0']);
  assert.match(text, /VmRSS of PID 42.*before 100\.0 MiB, after 110\.0 MiB \(\+10\.0\)/);
  assert.match(text, /No errors/);
  assert.deepEqual(lbErrorLines(input()), []);
});

test('failed requests, a missing peer, control-plane errors and problems are errors, each said once', () => {
  const broken = input({
    rows: [
      { concurrency: 1, cells: { ...cells(), alb: cell(10, 1, 1000, 3), nginx: { kind: 'missing', why: 'nginx is not installed' } } },
      { concurrency: 16, cells: { ...cells(), nginx: { kind: 'missing', why: 'nginx is not installed' } } },
    ],
    controlPlane: { missing: 'the run stopped before it' },
    problems: ['Berth left behind after its tasks STOPPED and it exited: bridge bth-x'],
  });
  const lines = lbErrorLines(broken);
  assert.deepEqual(lines, [
    '  Berth ALB ×1: 3 × UnexpectedAnswer: HTTP 502: Bad Gateway',
    '  nginx: not measured: nginx is not installed',
    '  Berth left behind after its tasks STOPPED and it exited: bridge bth-x',
  ]);
  const text = formatLbReport(broken);
  assert.match(text, /THE LOAD BALANCER BENCHMARK HAD ERRORS/);
  assert.match(text, /!!! a column is missing — nginx: nginx is not installed/);
  assert.match(text, /under control-plane load: not measured: the run stopped before it/);
  assert.equal(rowAfter(text, 'Requests/s:')[3], '—');
  const hammerErrors = input();
  if (!('missing' in hammerErrors.controlPlane)) hammerErrors.controlPlane.hammer = { writes: 10, errors: 2, errorKinds: { 'ThrottlingException: slow down': 2 }, elapsedMs: 100 };
  assert.deepEqual(lbErrorLines(hammerErrors), ['  control-plane load: 2 × ThrottlingException: slow down']);
});

test('the control-plane load\'s summary is its last JSON line', () => {
  assert.deepEqual(parseSummary('ready\n{"writes":5,"errors":1,"errorKinds":{"x":1},"elapsedMs":20}\n'), { writes: 5, errors: 1, errorKinds: { x: 1 }, elapsedMs: 20 });
  assert.equal(parseSummary('ready\n'), undefined);
  assert.equal(parseSummary('{"writes":"5"}'), undefined);
  assert.equal(parseSummary('{broken'), undefined);
});
