#!/usr/bin/env node
// Runs Berth's TypeScript sources directly through tsx's loader (no build step to drift).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
