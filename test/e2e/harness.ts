// Starts a real Berth server for a test (in this process, on a free port, with a fresh data
// directory) and hands out the settings an AWS SDK v3 client needs to reach it.
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, type Settings } from '../../src/config/settings.ts';
import { startBerth, type StartOptions } from '../../src/main.ts';

export interface TestServer {
  url: string;
  dataDir: string;
  /** Spread into any `new XClient({...})`. */
  clientConfig: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    maxAttempts: number;
  };
  /** Same endpoint, other credentials (e.g. keys IAM or STS issued). */
  clientConfigFor(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, region?: string): TestServer['clientConfig'];
  stop(): Promise<void>;
}

/**
 * `options.clock` lets a test move time (e.g. to expire STS credentials). Remote pulls are off unless a
 * test turns them on: tests send traffic only to loopback, and a task naming docker.io must not reach out.
 */
export async function startTestServer(overrides: Partial<Settings> = {}, options: Omit<StartOptions, 'log'> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-test-'));
  const logs: string[] = [];
  // Each test server's load balancers listen on a loopback address of their own, so parallel servers never fight over port 80.
  const loadBalancerHost = `127.0.${randomInt(1, 255)}.${randomInt(2, 255)}`;
  const berth = await startBerth({ ...DEFAULT_SETTINGS, port: 0, dataDir, remotePulls: false, loadBalancerHost, ...overrides }, { ...options, log: (m) => logs.push(m) });
  const clientConfigFor: TestServer['clientConfigFor'] = (credentials, region = 'us-east-1') => ({
    endpoint: berth.url,
    region,
    credentials,
    // Fail fast: a retried 5xx would hide the first answer.
    maxAttempts: 1,
  });
  return {
    url: berth.url,
    dataDir,
    clientConfig: clientConfigFor({ accessKeyId: 'test', secretAccessKey: 'test' }),
    clientConfigFor,
    async stop() {
      await berth.stop({ removeTasks: true });
      rmSync(dataDir, { recursive: true, force: true });
      const internal = logs.filter((l) => l.startsWith('internal error'));
      if (internal.length > 0) throw new Error(`the server logged internal errors:\n${internal.join('\n')}`);
    },
  };
}
