// Starts and stops the control-plane load (lb-hammer-child.ts) as a child process, by PID: ready once its
// first write was answered, and its summary read when it is told to stop.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cleanups } from './cleanups.ts';
import type { HammerSummary } from './lb-hammer-child.ts';

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 40_000;

export interface Hammer {
  /** Stops it (SIGTERM: no new writes, those in flight finish) and resolves with its counts. */
  stop(): Promise<HammerSummary>;
}

/** The child's last JSON line, or a summary saying why there is none. */
export function parseSummary(output: string): HammerSummary | undefined {
  const line = output.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (line === undefined) return undefined;
  try {
    const parsed = JSON.parse(line) as Partial<HammerSummary>;
    if (typeof parsed.writes !== 'number' || typeof parsed.errors !== 'number' || typeof parsed.elapsedMs !== 'number') return undefined;
    return { writes: parsed.writes, errors: parsed.errors, errorKinds: parsed.errorKinds ?? {}, elapsedMs: parsed.elapsedMs };
  } catch {
    return undefined;
  }
}

/** Starts `clients` write loops against Berth at `endpoint`; resolves once the first write was answered. */
export async function startHammer(repoRoot: string, endpoint: string, clusterArn: string, clients: number, maxMs: number, cleanups: Cleanups): Promise<Hammer> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench', 'lb-hammer-child.ts'), endpoint, clusterArn, String(clients), String(maxMs)], {
    cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4_000)));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.once('error', (error) => (stderr += `\n${error.message}`));
  const killNow = (): void => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  };
  const unregister = cleanups.add({ what: 'stop the control-plane load', undo: async () => killNow(), undoNow: killNow });

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!stdout.includes('ready\n')) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await unregister();
      throw new Error(`the control-plane load did not start writing (${stdout.trim().slice(-300)} ${stderr.trim().slice(-600)})`);
    }
    await sleep(50);
  }
  return {
    stop: async () => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), sleep(STOP_TIMEOUT_MS, false)]);
      await unregister();
      const summary = parseSummary(stdout);
      if (!stopped || summary === undefined) throw new Error(`the control-plane load ended without its summary: ${stderr.trim().slice(-600)}`);
      return summary;
    },
  };
}
