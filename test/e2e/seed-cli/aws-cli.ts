// The real AWS CLI pointed at a Berth endpoint, plus /bin/sh for the seeds' shell idioms
// (`… >/dev/null 2>&1 && echo … || echo …`, `2>/dev/null || true`, heredocs with `$(aws …)` inside).
import { execFile } from 'node:child_process';
import { accessSync, appendFileSync, constants } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, sep } from 'node:path';

/** One command as the user would have seen it. */
export interface CliResult {
  /** The command line, shell-quoted, for failure messages. */
  command: string;
  /** The process exit status (AWS CLI v1: 0 ok, 255 service or client error; v2: 254 for service errors). */
  code: number;
  stdout: string;
  stderr: string;
}

export interface AwsCliInfo {
  /** The program to run: `aws`, or the real script behind a pyenv shim. */
  executable: string;
  /** `aws --version`'s line, e.g. `aws-cli/1.45.11 Python/3.11.7 Linux/… botocore/1.43.11`. */
  version: string;
  /** botocore ≥ 1.31 (CLI v1 ≥ 1.29) and CLI v2 ≥ 2.13 read AWS_ENDPOINT_URL; older ones need --endpoint-url. */
  honoursEndpointEnv: boolean;
}

export type AwsCliDetection = { ok: true; info: AwsCliInfo } | { ok: false; reason: string };

interface Exit { code: number; stdout: string; stderr: string }

const MAX_OUTPUT = 16 * 1024 * 1024;

/** Runs a program and resolves with its exit status and output; never rejects. */
function runProgram(file: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env, timeout: timeoutMs, maxBuffer: MAX_OUTPUT, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error === null) {
        resolve({ code: 0, stdout, stderr });
        return;
      }
      if (typeof error.code === 'number') {
        resolve({ code: error.code, stdout, stderr });
        return;
      }
      // Not started (ENOENT) or killed (timeout): no exit status; say why in stderr.
      const why = error.killed ? `killed after ${timeoutMs} ms (${String(error.signal)})` : error.message;
      resolve({ code: -1, stdout, stderr: `${stderr}[seed-cli] ${why}` });
    });
  });
}

/**
 * The real `aws` behind a pyenv shim (a bash script that re-resolves the program on every call,
 * about 0.2 s each — a quarter of a CLI call); `aws` itself otherwise.
 */
async function resolveExecutable(): Promise<string> {
  const onPath = (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'aws')).find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (onPath === undefined || !onPath.includes(`${sep}shims${sep}`)) return 'aws';
  const which = await runProgram('pyenv', ['which', 'aws'], process.cwd(), process.env, 30_000);
  const real = which.stdout.trim();
  return which.code === 0 && isAbsolute(real) ? real : 'aws';
}

/** Finds `aws` on PATH and reads its version, or says why it cannot be used. */
export async function detectAwsCli(): Promise<AwsCliDetection> {
  const executable = await resolveExecutable();
  const exit = await runProgram(executable, ['--version'], process.cwd(), process.env, 30_000);
  const version = `${exit.stdout}${exit.stderr}`.trim();
  if (exit.code === -1 && exit.stderr.includes('ENOENT')) return { ok: false, reason: `\`aws\` is not on PATH (${process.env.PATH ?? ''})` };
  if (exit.code !== 0) return { ok: false, reason: `\`aws --version\` failed (exit ${exit.code}): ${version || 'no output'}` };
  return { ok: true, info: { executable, version, honoursEndpointEnv: honoursEndpointEnv(version) } };
}

function honoursEndpointEnv(version: string): boolean {
  const cli = /aws-cli\/(\d+)\.(\d+)/.exec(version);
  const botocore = /botocore\/(\d+)\.(\d+)/.exec(version);
  const at = (m: RegExpExecArray | null, i: number): number => Number(m?.[i] ?? 0);
  if (at(cli, 1) >= 2) return at(cli, 1) > 2 || at(cli, 2) >= 13;
  if (botocore) return at(botocore, 1) > 1 || at(botocore, 2) >= 31;
  return at(cli, 2) >= 29;
}

/** Quotes an argument the way a user would type it in sh (for messages only). */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * The CLI as a lab's user has it: the test keys, us-east-1, no pager, the CLI's default retry
 * settings (AWS_MAX_ATTEMPTS=1 would make botocore append "(reached max retries: 0)" to every
 * error line), and a config file of its own so `aws configure set` and the developer's ~/.aws
 * never leak in either direction.
 */
export class AwsCli {
  readonly #info: AwsCliInfo;
  readonly #endpoint: string;
  readonly #cwd: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #timeoutMs: number;

  constructor(options: { info: AwsCliInfo; endpoint: string; workDir: string; timeoutMs?: number }) {
    this.#info = options.info;
    this.#endpoint = options.endpoint;
    this.#cwd = options.workDir;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
    // The seeds' shell lines find the same `aws` the test runs.
    const path = isAbsolute(options.info.executable) ? `${dirname(options.info.executable)}${delimiter}${process.env.PATH ?? ''}` : process.env.PATH;
    this.#env = {
      ...inherited,
      PATH: path,
      AWS_ENDPOINT_URL: options.endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_PAGER: '',
      AWS_CONFIG_FILE: join(options.workDir, 'aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(options.workDir, 'aws-credentials'),
    };
  }

  get configFile(): string {
    return join(this.#cwd, 'aws-config');
  }

  /** `aws <args…>` in the lab's working directory (so `file://relative.json` resolves as in the seed). */
  async aws(...args: string[]): Promise<CliResult> {
    const full = this.#info.honoursEndpointEnv ? args : ['--endpoint-url', this.#endpoint, ...args];
    const exit = await runProgram(this.#info.executable, full, this.#cwd, this.#env, this.#timeoutMs);
    return this.#record({ command: ['aws', ...args].map(shellQuote).join(' '), ...exit });
  }

  /** A seed's shell line, run by /bin/sh with the lab's environment plus `vars` (its exported variables). */
  async sh(script: string, vars: Record<string, string> = {}): Promise<CliResult> {
    // Older CLIs ignore AWS_ENDPOINT_URL: a function named aws passes the flag, in $(…) too.
    const prelude = this.#info.honoursEndpointEnv ? '' : 'aws() { command aws --endpoint-url "$BERTH_SEED_ENDPOINT" "$@"; }\n';
    const env = { ...this.#env, ...vars, BERTH_SEED_ENDPOINT: this.#endpoint };
    const exit = await runProgram('/bin/sh', ['-c', prelude + script], this.#cwd, env, this.#timeoutMs);
    return this.#record({ command: script, ...exit });
  }

  /** With BERTH_SEED_CLI_TRANSCRIPT=<file>, every command and its answer is appended there (for reading Berth's outputs whole). */
  #record(result: CliResult): CliResult {
    const file = process.env.BERTH_SEED_CLI_TRANSCRIPT;
    if (file) appendFileSync(file, `$ ${result.command}\n[exit ${result.code}]\n${result.stdout}${result.stderr}\n`);
    return result;
  }
}
