// Decodes awsQuery and EC2 form parameters (`Tags.member.1.Key=…`, `Filter.1.Value.1=…`) into a
// typed input by walking the model shape, the inverse of botocore's Query/EC2 serializers.
import type { ModelIndex } from '../models/model-index.ts';
import type { MemberRef, Shape } from '../models/types.ts';
import { pathSegment } from '../models/validate.ts';
import type { TypeMismatch } from './json-codec.ts';

export type QueryFlavor = 'query' | 'ec2';

/** The form's keys with every dotted prefix, so list and structure lookups are O(1). */
class FormParams {
  readonly #values: Map<string, string>;
  readonly #prefixes = new Set<string>();

  constructor(values: Map<string, string>) {
    this.#values = values;
    for (const key of values.keys()) {
      const parts = key.split('.');
      for (let i = 1; i <= parts.length; i++) this.#prefixes.add(parts.slice(0, i).join('.'));
    }
  }

  get(key: string): string | undefined {
    return this.#values.get(key);
  }

  /** true when the key itself or anything below it was sent. */
  has(prefix: string): boolean {
    return this.#prefixes.has(prefix);
  }
}

export function decodeQuery(model: ModelIndex, shapeName: string, values: Map<string, string>, flavor: QueryFlavor):
  { value: Record<string, unknown>; mismatches: TypeMismatch[] } {
  const mismatches: TypeMismatch[] = [];
  const params = new FormParams(values);
  const value = decodeStructure(model, model.shape(shapeName), params, '', '', flavor, mismatches);
  return { value, mismatches };
}

function memberKey(name: string, ref: MemberRef, flavor: QueryFlavor): string {
  if (flavor === 'ec2') {
    if (ref.queryName) return ref.queryName;
    if (ref.locationName) return ref.locationName.charAt(0).toUpperCase() + ref.locationName.slice(1);
    return name;
  }
  return ref.locationName ?? name;
}

function dot(prefix: string, key: string): string {
  return prefix ? `${prefix}.${key}` : key;
}

function decodeStructure(model: ModelIndex, shape: Shape, params: FormParams, prefix: string, path: string,
  flavor: QueryFlavor, bad: TypeMismatch[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const key = dot(prefix, memberKey(name, ref, flavor));
    if (!params.has(key)) continue;
    const decoded = decodeValue(model, ref, params, key, path ? `${path}.${pathSegment(name)}` : pathSegment(name), flavor, bad);
    if (decoded !== undefined) out[name] = decoded;
  }
  return out;
}

function decodeValue(model: ModelIndex, ref: MemberRef, params: FormParams, key: string, path: string,
  flavor: QueryFlavor, bad: TypeMismatch[]): unknown {
  const shape = model.target(ref);
  switch (shape.type) {
    case 'structure':
      return decodeStructure(model, shape, params, key, path, flavor, bad);
    case 'list':
      return decodeList(model, shape, ref, params, key, path, flavor, bad);
    case 'map':
      return decodeMap(model, shape, params, key, path, flavor, bad);
    default:
      return decodeScalar(shape, params.get(key), path, bad);
  }
}

function decodeList(model: ModelIndex, shape: Shape, ref: MemberRef, params: FormParams, key: string, path: string,
  flavor: QueryFlavor, bad: TypeMismatch[]): unknown[] {
  // `Tags=` with an empty value is how the query protocol sends an empty list.
  if (params.get(key) === '') return [];
  const member = shape.member;
  if (!member) return [];
  let itemPrefix = key;
  if (flavor === 'query') {
    if (shape.flattened || ref.flattened) {
      if (member.locationName) itemPrefix = key.split('.').slice(0, -1).concat(member.locationName).join('.');
    } else {
      itemPrefix = `${key}.${member.locationName ?? 'member'}`;
    }
  }
  const items: unknown[] = [];
  for (let i = 1; params.has(`${itemPrefix}.${i}`); i++) {
    items.push(decodeValue(model, member, params, `${itemPrefix}.${i}`, `${path}.${i}.member`, flavor, bad));
  }
  return items;
}

function decodeMap(model: ModelIndex, shape: Shape, params: FormParams, key: string, path: string,
  flavor: QueryFlavor, bad: TypeMismatch[]): Record<string, unknown> {
  const entryPrefix = shape.flattened ? key : `${key}.entry`;
  const keyName = shape.key?.locationName ?? 'key';
  const valueName = shape.value?.locationName ?? 'value';
  const out: Record<string, unknown> = {};
  for (let i = 1; params.has(`${entryPrefix}.${i}`); i++) {
    const k = params.get(`${entryPrefix}.${i}.${keyName}`);
    if (k === undefined || !shape.value) continue;
    out[k] = decodeValue(model, shape.value, params, `${entryPrefix}.${i}.${valueName}`, `${path}.${k}`, flavor, bad);
  }
  return out;
}

function decodeScalar(shape: Shape, raw: string | undefined, path: string, bad: TypeMismatch[]): unknown {
  if (raw === undefined) return undefined;
  const mismatch = (expected: string): undefined => {
    bad.push({ path, expected });
    return undefined;
  };
  switch (shape.type) {
    case 'string':
      return raw;
    case 'boolean': {
      const lower = raw.toLowerCase();
      return lower === 'true' ? true : lower === 'false' ? false : mismatch('boolean');
    }
    case 'integer': case 'long': {
      const n = Number(raw);
      return raw.trim() !== '' && Number.isInteger(n) ? n : mismatch(shape.type);
    }
    case 'float': case 'double': {
      const n = Number(raw);
      return raw.trim() !== '' && Number.isFinite(n) ? n : mismatch(shape.type);
    }
    case 'timestamp': {
      const date = /^\d+(\.\d+)?$/.test(raw) ? new Date(Number(raw) * 1000) : new Date(raw);
      return Number.isNaN(date.getTime()) ? mismatch('timestamp') : date;
    }
    case 'blob':
      return Buffer.from(raw, 'base64');
    default:
      return raw;
  }
}
