// awsJson 1.0/1.1 bodies walked by shape: decoding checks JSON types and turns timestamps and
// blobs into Date/Buffer; encoding writes only the model's members, timestamps as epoch seconds.
import type { ModelIndex } from '../models/model-index.ts';
import type { Shape } from '../models/types.ts';
import { pathSegment } from '../models/validate.ts';

export interface TypeMismatch {
  path: string;
  expected: string;
}

export function decodeJson(model: ModelIndex, shapeName: string, value: unknown): { value: unknown; mismatches: TypeMismatch[] } {
  const mismatches: TypeMismatch[] = [];
  const decoded = decode(model, model.shape(shapeName), value, '', mismatches);
  return { value: decoded, mismatches };
}

function join(path: string, segment: string): string {
  return path ? `${path}.${segment}` : segment;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decode(model: ModelIndex, shape: Shape, value: unknown, path: string, bad: TypeMismatch[]): unknown {
  if (value === null || value === undefined) return undefined;
  const mismatch = (expected: string): undefined => {
    bad.push({ path: path || '(body)', expected });
    return undefined;
  };
  switch (shape.type) {
    case 'structure': {
      if (!isRecord(value)) return mismatch('structure');
      const out: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        if (value[name] === undefined || value[name] === null) continue;
        const decoded = decode(model, model.target(ref), value[name], join(path, pathSegment(name)), bad);
        if (decoded !== undefined) out[name] = decoded;
      }
      return out;
    }
    case 'list': {
      if (!Array.isArray(value)) return mismatch('list');
      const member = shape.member ? model.target(shape.member) : undefined;
      return value.map((item: unknown, i) => (member ? decode(model, member, item, `${join(path, String(i + 1))}.member`, bad) : item));
    }
    case 'map': {
      if (!isRecord(value)) return mismatch('map');
      const valueShape = shape.value ? model.target(shape.value) : undefined;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = valueShape ? decode(model, valueShape, v, join(path, k), bad) : v;
      return out;
    }
    case 'string':
      return typeof value === 'string' ? value : mismatch('string');
    case 'boolean':
      return typeof value === 'boolean' ? value : mismatch('boolean');
    case 'integer': case 'long':
      return typeof value === 'number' && Number.isInteger(value) ? value : mismatch(shape.type);
    case 'float': case 'double':
      return typeof value === 'number' ? value : mismatch(shape.type);
    case 'timestamp': {
      // JSON protocols send epoch seconds; AWS also accepts ISO 8601 strings.
      const date = typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : undefined;
      return date && !Number.isNaN(date.getTime()) ? date : mismatch('timestamp');
    }
    case 'blob':
      return typeof value === 'string' ? Buffer.from(value, 'base64') : mismatch('blob');
    default:
      return value;
  }
}

/** Serializes an operation's output by shape; members the model does not have are left out. */
export function encodeJson(model: ModelIndex, shapeName: string | undefined, value: unknown): unknown {
  if (!shapeName) return {};
  return encode(model, model.shape(shapeName), value) ?? {};
}

function encode(model: ModelIndex, shape: Shape, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  switch (shape.type) {
    case 'structure': {
      const record = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const encoded = encode(model, model.target(ref), record[name]);
        if (encoded !== undefined) out[name] = encoded;
      }
      return out;
    }
    case 'list': {
      const member = shape.member ? model.target(shape.member) : undefined;
      return (value as unknown[]).map((item) => (member ? encode(model, member, item) : item));
    }
    case 'map': {
      const valueShape = shape.value ? model.target(shape.value) : undefined;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = valueShape ? encode(model, valueShape, v) : v;
      return out;
    }
    case 'timestamp': {
      const date = value instanceof Date ? value : new Date(value as string | number);
      return date.getTime() / 1000;
    }
    case 'blob':
      return Buffer.from(value as Uint8Array).toString('base64');
    default:
      return value;
  }
}
