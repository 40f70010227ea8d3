// Extracts the facts Berth needs from botocore's AWS API models into src/aws/models/data/.
// Usage: npm run models [-- <botocore data dir>]. Facts only: documentation strings are dropped.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import type { MemberRef, OperationModel, ServiceModel, Shape } from '../src/aws/models/types.ts';

/** The services Berth serves: botocore's folder name → Berth's file name. */
const SERVICES: Record<string, string> = { ecs: 'ecs', iam: 'iam', sts: 'sts', ec2: 'ec2', ecr: 'ecr', logs: 'logs', elbv2: 'elbv2', secretsmanager: 'secretsmanager', ssm: 'ssm' };

const SHAPE_KEYS = ['type', 'required', 'enum', 'min', 'max', 'pattern', 'flattened', 'locationName', 'timestampFormat',
  'exception', 'error', 'sensitive', 'union', 'payload'] as const;
const MEMBER_KEYS = ['shape', 'locationName', 'queryName', 'flattened', 'xmlNamespace', 'xmlAttribute',
  'timestampFormat', 'location'] as const;

function pick<T extends object>(source: Record<string, unknown>, keys: readonly string[]): T {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out as T;
}

function memberRef(raw: Record<string, unknown>): MemberRef {
  const ref = pick<MemberRef>(raw, MEMBER_KEYS);
  // xmlNamespace is {uri: ...} in botocore; keep the uri.
  const ns = raw['xmlNamespace'] as { uri?: string } | undefined;
  if (ns?.uri) ref.xmlNamespace = ns.uri;
  return ref;
}

function shape(raw: Record<string, unknown>): Shape {
  const out = pick<Shape>(raw, SHAPE_KEYS);
  const members = raw['members'] as Record<string, Record<string, unknown>> | undefined;
  if (members) {
    out.members = {};
    for (const [name, m] of Object.entries(members)) out.members[name] = memberRef(m);
  }
  for (const key of ['member', 'key', 'value'] as const) {
    const ref = raw[key] as Record<string, unknown> | undefined;
    if (ref) out[key] = memberRef(ref);
  }
  return out;
}

function newestVersionDir(dataDir: string, service: string): string {
  const versions = readdirSync(join(dataDir, service)).filter((v) => existsSync(join(dataDir, service, v, 'service-2.json.gz')));
  versions.sort();
  const newest = versions.at(-1);
  if (!newest) throw new Error(`no service-2.json.gz for ${service} under ${dataDir}`);
  return join(dataDir, service, newest);
}

function extract(dataDir: string, service: string): ServiceModel {
  const raw = JSON.parse(gunzipSync(readFileSync(join(newestVersionDir(dataDir, service), 'service-2.json.gz'))).toString('utf8')) as {
    metadata: Record<string, unknown>;
    operations: Record<string, Record<string, unknown>>;
    shapes: Record<string, Record<string, unknown>>;
  };
  const metadata = pick<ServiceModel['metadata']>(raw.metadata, ['apiVersion', 'endpointPrefix', 'protocol', 'protocols',
    'jsonVersion', 'targetPrefix', 'signingName', 'serviceId', 'xmlNamespace', 'awsQueryCompatible']);
  const operations: Record<string, OperationModel> = {};
  for (const [name, op] of Object.entries(raw.operations)) {
    const input = op['input'] as { shape: string } | undefined;
    const output = op['output'] as { shape: string; resultWrapper?: string } | undefined;
    const http = op['http'] as OperationModel['http'];
    operations[name] = {
      name,
      ...(http ? { http } : {}),
      ...(input ? { input: input.shape } : {}),
      ...(output ? { output: output.shape } : {}),
      ...(output?.resultWrapper ? { resultWrapper: output.resultWrapper } : {}),
      errors: ((op['errors'] as { shape: string }[] | undefined) ?? []).map((e) => e.shape),
    };
  }
  const shapes: Record<string, Shape> = {};
  for (const [name, s] of Object.entries(raw.shapes)) shapes[name] = shape(s);
  return { metadata, operations, shapes };
}

function botocoreDataDir(): string {
  const fromArg = process.argv[2];
  if (fromArg) return fromArg;
  const pkg = execFileSync('python3', ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__))'], { encoding: 'utf8' }).trim();
  return join(pkg, 'data');
}

const dataDir = botocoreDataDir();
const outDir = new URL('../src/aws/models/data/', import.meta.url);
for (const [botocoreName, berthName] of Object.entries(SERVICES)) {
  const model = extract(dataDir, botocoreName);
  writeFileSync(new URL(`${berthName}.json`, outDir), JSON.stringify(model) + '\n');
  console.log(`${berthName}: ${Object.keys(model.operations).length} operations, ${Object.keys(model.shapes).length} shapes (api ${model.metadata.apiVersion})`);
}
