// Space-delimited filter patterns: `[ip, user, ..., status_code = 4*, bytes > 1000]`.
// The message splits on whitespace into fields; text inside "double quotes" or [square brackets]
// is one field (without them). Each pattern entry names a field, `...` stands for any number of
// fields, and an entry may carry conditions (`name op value`, joined by && or ||) on named fields.
import { compare, compileRegex, FilterPatternError, operandOf, readQuoted, type Comparator, type Operand } from './filter-pattern-values.ts';

interface Condition {
  field: string;
  op: Comparator;
  operand: Operand;
}

/** One entry's conditions: alternatives (||) of conjunctions (&&). */
type Conditions = Condition[][];

type Entry = { kind: 'ellipsis' } | { kind: 'field'; name: string; conditions: Conditions };

const NAME = /^[A-Za-z_][A-Za-z0-9_\-.]*$/;
/** A message with more fields than this is not split further: it keeps matching bounded. */
const MAX_FIELDS = 1000;

export function compileDelimited(body: string): (message: string) => boolean {
  const entries = splitEntries(body).map(parseEntry);
  if (entries.length === 0) throw new FilterPatternError();
  return (message) => {
    const fields = splitFields(message);
    return bind(entries, 0, fields, 0, new Map());
  };
}

/** Tries every way the entries can take the fields (ellipses absorb 0..n); true at the first that satisfies all conditions. */
function bind(entries: readonly Entry[], e: number, fields: readonly string[], f: number, values: Map<string, string>): boolean {
  if (e === entries.length) {
    if (f !== fields.length) return false;
    return entries.every((entry) => entry.kind === 'ellipsis' || satisfied(entry.conditions, values));
  }
  const entry = entries[e];
  if (!entry) return false;
  if (entry.kind === 'ellipsis') {
    for (let next = fields.length; next >= f; next--) {
      if (bind(entries, e + 1, fields, next, values)) return true;
    }
    return false;
  }
  const field = fields[f];
  if (field === undefined) return false;
  const previous = values.get(entry.name);
  values.set(entry.name, field);
  const ok = bind(entries, e + 1, fields, f + 1, values);
  if (previous === undefined) values.delete(entry.name);
  else values.set(entry.name, previous);
  return ok;
}

function satisfied(conditions: Conditions, values: ReadonlyMap<string, string>): boolean {
  if (conditions.length === 0) return true;
  return conditions.some((all) => all.every((c) => compare(values.get(c.field), c.op, c.operand)));
}

/** Splits on top-level commas (a comma inside quotes or %regex% belongs to the value). */
function splitEntries(body: string): string[] {
  const entries: string[] = [];
  let current = '';
  for (let i = 0; i < body.length; i++) {
    const c = body.charAt(i);
    if (c === '"') {
      const { end } = readQuoted(body, i);
      current += body.slice(i, end);
      i = end - 1;
    } else if (c === '%') {
      const end = body.indexOf('%', i + 1);
      if (end < 0) throw new FilterPatternError();
      current += body.slice(i, end + 1);
      i = end;
    } else if (c === ',') {
      entries.push(current.trim());
      current = '';
    } else {
      current += c;
    }
  }
  entries.push(current.trim());
  if (entries.some((e) => e === '')) throw new FilterPatternError();
  return entries;
}

const OPERATORS: readonly Comparator[] = ['!=', '<=', '>=', '=', '<', '>'];

function parseEntry(text: string): Entry {
  if (text === '...') return { kind: 'ellipsis' };
  const parts = text.split(/\s*(&&|\|\|)\s*/);
  const first = parts[0] ?? '';
  if (NAME.test(first)) {
    if (parts.length > 1) throw new FilterPatternError();
    return { kind: 'field', name: first, conditions: [] };
  }
  const conditions: Conditions = [[]];
  let name: string | undefined;
  for (let i = 0; i < parts.length; i += 2) {
    const condition = parseCondition(parts[i] ?? '');
    name ??= condition.field;
    conditions[conditions.length - 1]?.push(condition);
    if (parts[i + 1] === '||') conditions.push([]);
  }
  return { kind: 'field', name: name ?? fail(), conditions };
}

function parseCondition(text: string): Condition {
  for (const op of OPERATORS) {
    const at = text.indexOf(op);
    if (at <= 0) continue;
    const field = text.slice(0, at).trim();
    const raw = text.slice(at + op.length).trim();
    if (!NAME.test(field) || raw === '') throw new FilterPatternError();
    let operand: Operand;
    if (raw.startsWith('"')) {
      const { value, end } = readQuoted(raw, 0);
      if (end !== raw.length) throw new FilterPatternError();
      operand = operandOf(value, true);
    } else if (raw.startsWith('%') && raw.endsWith('%') && raw.length > 1 && (op === '=' || op === '!=')) {
      operand = { kind: 'regex', regex: compileRegex(raw.slice(1, -1)) };
    } else {
      if (/\s/.test(raw)) throw new FilterPatternError();
      operand = operandOf(raw, false);
    }
    if (op !== '=' && op !== '!=' && operand.kind !== 'number') throw new FilterPatternError();
    return { field, op, operand };
  }
  throw new FilterPatternError();
}

/** The message's fields: whitespace-separated, "quoted" and [bracketed] runs kept whole. */
export function splitFields(message: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i < message.length && fields.length < MAX_FIELDS) {
    const c = message.charAt(i);
    if (/\s/.test(c)) { i++; continue; }
    const close = c === '"' ? '"' : c === '[' ? ']' : undefined;
    if (close !== undefined) {
      const end = message.indexOf(close, i + 1);
      if (end >= 0) {
        fields.push(message.slice(i + 1, end));
        i = end + 1;
        continue;
      }
    }
    let end = i;
    while (end < message.length && !/\s/.test(message.charAt(end))) end++;
    fields.push(message.slice(i, end));
    i = end;
  }
  return fields;
}

function fail(): never {
  throw new FilterPatternError();
}
