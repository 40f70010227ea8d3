// Checks a decoded input against its model shape: required members, lengths, ranges and enums,
// and phrases each violation the way AWS's validation layer does.
import type { ModelIndex } from './model-index.ts';
import type { MemberRef, Shape } from './types.ts';

export interface Violation {
  /** AWS's dotted path: `containerDefinitions.1.member.name`. */
  path: string;
  /** The constraint, as AWS words it after "failed to satisfy constraint: ". */
  constraint: string;
  /** The offending value (undefined for a missing member). */
  value: unknown;
  /** The member as the model names it, and its reference (wire names differ per protocol). */
  member?: { name: string; ref: MemberRef };
}

/** `1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null` */
export function describeViolations(violations: Violation[]): string {
  const count = violations.length;
  const parts = violations.map((v) => `Value ${formatValue(v.value)} at '${v.path}' failed to satisfy constraint: ${v.constraint}`);
  return `${count} validation error${count === 1 ? '' : 's'} detected: ${parts.join('; ')}`;
}

function formatValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (value instanceof Date) return `'${value.toISOString()}'`;
  if (Array.isArray(value)) return `'[${value.map((v) => (typeof v === 'object' ? '…' : String(v))).join(', ')}]'`;
  if (typeof value === 'object') return "'{…}'";
  return `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
}

/** AWS's validation paths start members with a lower-case letter (`RoleName` → `roleName`). */
export function pathSegment(memberName: string): string {
  return memberName.charAt(0).toLowerCase() + memberName.slice(1);
}

function join(path: string, segment: string): string {
  return path ? `${path}.${segment}` : segment;
}

/** Walks `value` against `shapeName`; returns every constraint it breaks (empty when valid). */
export function validateShape(model: ModelIndex, shapeName: string, value: unknown, path = ''): Violation[] {
  const out: Violation[] = [];
  walk(model, shapeName, value, path, out);
  return out;
}

function walk(model: ModelIndex, shapeName: string, value: unknown, path: string, out: Violation[]): void {
  if (value === undefined || value === null) return;
  const shape = model.shape(shapeName);
  switch (shape.type) {
    case 'structure': {
      const record = value as Record<string, unknown>;
      for (const name of shape.required ?? []) {
        const ref = shape.members?.[name];
        if ((record[name] === undefined || record[name] === null) && ref) {
          out.push({ path: join(path, pathSegment(name)), constraint: 'Member must not be null', value: undefined, member: { name, ref } });
        }
      }
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        if (record[name] !== undefined) walk(model, ref.shape, record[name], join(path, pathSegment(name)), out);
      }
      return;
    }
    case 'list': {
      const items = value as unknown[];
      checkLength(shape, items.length, items, path, out);
      const member = shape.member;
      if (member) items.forEach((item, i) => walk(model, member.shape, item, `${join(path, String(i + 1))}.member`, out));
      return;
    }
    case 'map': {
      const entries = Object.entries(value as Record<string, unknown>);
      checkLength(shape, entries.length, value, path, out);
      const { key, value: valueRef } = shape;
      if (key) for (const [k] of entries) walk(model, key.shape, k, join(path, 'key'), out);
      if (valueRef) for (const [k, v] of entries) walk(model, valueRef.shape, v, join(path, k), out);
      return;
    }
    case 'string': {
      const text = value as string;
      checkLength(shape, [...text].length, text, path, out);
      if (shape.enum && !shape.enum.includes(text)) {
        out.push({ path, value, constraint: `Member must satisfy enum value set: [${shape.enum.join(', ')}]` });
      }
      const pattern = model.pattern(shapeName);
      if (pattern && !pattern.test(text)) {
        out.push({ path, value, constraint: `Member must satisfy regular expression pattern: ${shape.pattern ?? ''}` });
      }
      return;
    }
    case 'blob':
      checkLength(shape, (value as Uint8Array).length, '…', path, out);
      return;
    case 'integer': case 'long': case 'float': case 'double': {
      const n = value as number;
      if (shape.min !== undefined && n < shape.min) out.push({ path, value, constraint: `Member must have value greater than or equal to ${shape.min}` });
      if (shape.max !== undefined && n > shape.max) out.push({ path, value, constraint: `Member must have value less than or equal to ${shape.max}` });
      return;
    }
    default:
      return;
  }
}

function checkLength(shape: Shape, length: number, value: unknown, path: string, out: Violation[]): void {
  if (shape.min !== undefined && length < shape.min) {
    out.push({ path, value, constraint: `Member must have length greater than or equal to ${shape.min}` });
  }
  if (shape.max !== undefined && length > shape.max) {
    out.push({ path, value, constraint: `Member must have length less than or equal to ${shape.max}` });
  }
}
