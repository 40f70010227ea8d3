import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { systemClock } from '../platform/clock.ts';
import { openSqliteStore } from './sqlite.ts';
import { storeConformance } from './store.case.ts';

const dirs: string[] = [];
after(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

storeConformance('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-store-'));
  dirs.push(dir);
  return openSqliteStore(dir, systemClock);
});
