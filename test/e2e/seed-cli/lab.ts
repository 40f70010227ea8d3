// A seed lab typed step by step. Each step is a subtest named after the seed line it reproduces;
// values the lab's shell would hold (VPC_ID=$(…), exported variables) live here, and a step that
// needs a value an earlier step failed to produce is skipped rather than failed a second time.
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { AwsCli } from './aws-cli.ts';
import { ok } from './expect.ts';

const FIXTURES = new URL('../../fixtures/seed-cli/', import.meta.url).pathname;

export class Lab {
  readonly cli: AwsCli;
  /** The directory the lab's shell runs in; `file://name.json` resolves here. */
  readonly workDir: string;
  readonly #vars = new Map<string, string>();

  constructor(cli: AwsCli, workDir: string) {
    this.cli = cli;
    this.workDir = workDir;
  }

  /** Runs `fn` as a subtest of `t`, or skips it when a variable it needs is unset. */
  async step(t: TestContext, name: string, needs: readonly string[], fn: () => Promise<void>): Promise<void> {
    const missing = needs.filter((n) => !this.#vars.has(n));
    const options = missing.length > 0 ? { skip: `needs ${missing.join(', ')}, which an earlier step did not produce` } : {};
    await t.test(name, options, fn);
  }

  set(name: string, value: string): void {
    this.#vars.set(name, value);
  }

  get(name: string): string {
    const value = this.#vars.get(name);
    if (value === undefined) throw new Error(`lab variable ${name} is unset`);
    return value;
  }

  /** A fixture's text, byte for byte as copied from the seed. */
  fixture(name: string): string {
    return readFileSync(join(FIXTURES, name), 'utf8');
  }

  /** The text between a seed's single quotes (`--policy-document '{…}'`): the fixture without its final newline. */
  inlineArgument(name: string): string {
    return this.fixture(name).replace(/\n$/, '');
  }

  /** The fixture's JSON document, for comparing with what the CLI prints back. */
  document(name: string): unknown {
    return JSON.parse(this.fixture(name)) as unknown;
  }

  /** `cat > file <<'EOF'`: the fixture copied unexpanded. Returns the file's path. */
  copyFixture(name: string, as: string): string {
    const path = join(this.workDir, as);
    copyFileSync(join(FIXTURES, name), path);
    return path;
  }

  /**
   * `cat > file <<EOF` (unquoted): /bin/sh writes the fixture, expanding `$VAR`, `${VAR}` and
   * `$(aws …)` exactly as the lab's shell would — the `$(…)` calls really go to Berth.
   */
  async heredoc(name: string, as: string, vars: Record<string, string>): Promise<string> {
    const path = join(this.workDir, as);
    ok(await this.cli.sh(`cat > '${path}' <<EOF\n${this.fixture(name)}EOF\n`, vars));
    return path;
  }
}
