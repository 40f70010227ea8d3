// Berth's settings: read once at start from flags and BERTH_* variables, validated, then frozen.

export interface Settings {
  port: number;
  host: string;
  dataDir: string;
  /** Verify SigV4 signatures and reject unknown keys (default: accept any key, as local AWS tools do). */
  strictAuth: boolean;
  /**
   * Authorize requests signed by IAM users' keys and roles' session credentials (task roles, assumed roles) against
   * their policies, and the platform's own calls as a task's execution role, as AWS does. The account's root
   * credentials are never restricted. Off, every authenticated request is allowed.
   */
  iamEnforcement: boolean;
  /** The account of requests signed with keys Berth did not issue. */
  defaultAccountId: string;
  /** The region of requests that carry no SigV4 scope. */
  defaultRegion: string;
  rootAccessKeyId: string;
  rootSecretAccessKey: string;
  /** Largest request body accepted; larger ones get a 413. */
  maxRequestBytes: number;
  /** Which container driver runs tasks: runc when it can, else Docker (`auto`), or the one named. */
  driver: 'auto' | 'runc' | 'docker';
  /** The Docker Engine the Docker driver talks to (`unix:///path` or `tcp://host:port`). */
  dockerHost: string;
  /**
   * Pull images that are not in Berth's registry (docker.io, public.ecr.aws, ghcr.io…) over the
   * network. Off, such images stop their task with CannotPullContainerError saying so.
   */
  remotePulls: boolean;
  /**
   * The address load balancer listeners listen on (their DNS names, `*.elb.localhost`, resolve to loopback).
   * A listener whose port cannot be bound there (80 without root, a port in use) gets another port.
   */
  loadBalancerHost: string;
}

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

interface Spec {
  flag: string;
  env: string;
  parse: (raw: string) => Settings[keyof Settings];
}

const integer = (name: string, min: number, max: number) => (raw: string): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new SettingsError(`${name} must be an integer from ${min} to ${max}, got '${raw}'`);
  return n;
};
const boolean = (name: string) => (raw: string): boolean => {
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new SettingsError(`${name} must be true or false, got '${raw}'`);
};
const oneOf = <T extends string>(name: string, values: readonly T[]) => (raw: string): T => {
  if (!(values as readonly string[]).includes(raw)) throw new SettingsError(`${name} must be one of ${values.join(', ')}, got '${raw}'`);
  return raw as T;
};
const text = (name: string, pattern?: RegExp) => (raw: string): string => {
  if (raw === '' || (pattern && !pattern.test(raw))) throw new SettingsError(`${name} is not valid: '${raw}'`);
  return raw;
};

const SPECS: Record<keyof Settings, Spec> = {
  port: { flag: '--port', env: 'BERTH_PORT', parse: integer('port', 0, 65535) },
  host: { flag: '--host', env: 'BERTH_HOST', parse: text('host') },
  dataDir: { flag: '--data-dir', env: 'BERTH_DATA_DIR', parse: text('data dir') },
  strictAuth: { flag: '--strict-auth', env: 'BERTH_STRICT_AUTH', parse: boolean('strict auth') },
  iamEnforcement: { flag: '--iam-enforcement', env: 'BERTH_IAM_ENFORCEMENT', parse: boolean('iam enforcement') },
  defaultAccountId: { flag: '--account-id', env: 'BERTH_ACCOUNT_ID', parse: text('account id', /^\d{12}$/) },
  defaultRegion: { flag: '--region', env: 'BERTH_REGION', parse: text('region', /^[a-z]{2}(-[a-z]+)+-\d$/) },
  rootAccessKeyId: { flag: '--root-access-key-id', env: 'BERTH_ROOT_ACCESS_KEY_ID', parse: text('root access key id') },
  rootSecretAccessKey: { flag: '--root-secret-access-key', env: 'BERTH_ROOT_SECRET_ACCESS_KEY', parse: text('root secret access key') },
  maxRequestBytes: { flag: '--max-request-bytes', env: 'BERTH_MAX_REQUEST_BYTES', parse: integer('max request bytes', 1024, 1024 ** 3) },
  driver: { flag: '--driver', env: 'BERTH_DRIVER', parse: oneOf('driver', ['auto', 'runc', 'docker'] as const) },
  dockerHost: { flag: '--docker-host', env: 'BERTH_DOCKER_HOST', parse: text('docker host', /^(unix:\/\/\/.+|tcp:\/\/[^/]+)$/) },
  remotePulls: { flag: '--remote-pulls', env: 'BERTH_REMOTE_PULLS', parse: boolean('remote pulls') },
  loadBalancerHost: { flag: '--load-balancer-host', env: 'BERTH_LOAD_BALANCER_HOST', parse: text('load balancer host') },
};

export const DEFAULT_SETTINGS: Settings = {
  port: 4566,
  host: '127.0.0.1',
  dataDir: './.berth',
  strictAuth: false,
  iamEnforcement: true,
  defaultAccountId: '123456789012',
  defaultRegion: 'us-east-1',
  rootAccessKeyId: 'test',
  rootSecretAccessKey: 'test',
  maxRequestBytes: 10 * 1024 * 1024,
  driver: 'auto',
  dockerHost: 'unix:///var/run/docker.sock',
  remotePulls: true,
  loadBalancerHost: '127.0.0.1',
};

/** Boolean flags that may stand alone (`--strict-auth` means `--strict-auth true`). */
const BOOLEAN_FLAGS: ReadonlySet<string> = new Set(['strictAuth', 'remotePulls']);

/** Flags win over environment variables, which win over defaults. Throws SettingsError. */
export function readSettings(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Settings {
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const [key, spec] of Object.entries(SPECS)) {
    const raw = env[spec.env];
    if (raw !== undefined && raw !== '') settings[key] = spec.parse(raw);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const entry = Object.entries(SPECS).find(([, spec]) => spec.flag === flag);
    if (!entry) throw new SettingsError(`unknown option '${arg}'`);
    const [key, spec] = entry;
    let raw = inline;
    if (raw === undefined) {
      // A boolean flag alone means true.
      if (BOOLEAN_FLAGS.has(key) && (argv[i + 1] === undefined || argv[i + 1]?.startsWith('--'))) raw = 'true';
      else raw = argv[++i];
    }
    if (raw === undefined) throw new SettingsError(`option ${flag} needs a value`);
    settings[key] = spec.parse(raw);
  }
  return Object.freeze(settings as unknown as Settings);
}
