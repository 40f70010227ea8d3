// The pieces every filter pattern form shares: quoted strings, regular expressions, compared values.

/** A pattern CloudWatch cannot parse; FilterLogEvents answers InvalidParameterException with the message. */
export class FilterPatternError extends Error {
  constructor(message = 'Invalid filter pattern') {
    super(message);
    this.name = 'FilterPatternError';
  }
}

/** A double-quoted string starting at `start` (`\"` and `\\` escape); returns its text and the index after it. */
export function readQuoted(text: string, start: number): { value: string; end: number } {
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '\\' && i + 1 < text.length) { value += text.charAt(i + 1); i++; continue; }
    if (c === '"') return { value, end: i + 1 };
    value += c;
  }
  throw new FilterPatternError();
}

export function compileRegex(source: string): RegExp {
  try {
    return new RegExp(source, 'u');
  } catch {
    throw new FilterPatternError();
  }
}

/** A value a selector or field is compared with. */
export type Operand =
  | { kind: 'string'; text: string; glob: RegExp | undefined }
  | { kind: 'number'; value: number }
  | { kind: 'regex'; regex: RegExp };

export type Comparator = '=' | '!=' | '<' | '<=' | '>' | '>=';

const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/** A bare or quoted value: a number when it reads as one (and was not quoted), else a string, `*` a wildcard. */
export function operandOf(text: string, quoted: boolean): Operand {
  if (!quoted && NUMBER.test(text)) return { kind: 'number', value: Number(text) };
  const glob = text.includes('*')
    ? new RegExp(`^${text.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's')
    : undefined;
  return { kind: 'string', text, glob };
}

/**
 * Compares a value found in the event with an operand. Numbers compare as numbers (a string field
 * that reads as a number too, as space-delimited fields are text); strings compare with `=`/`!=`
 * only; a missing value matches nothing.
 */
export function compare(actual: unknown, op: Comparator, operand: Operand): boolean {
  if (actual === undefined) return false;
  if (operand.kind === 'number') {
    const n = typeof actual === 'number' ? actual : typeof actual === 'string' && NUMBER.test(actual) ? Number(actual) : undefined;
    if (n === undefined) return false;
    switch (op) {
      case '=': return n === operand.value;
      case '!=': return n !== operand.value;
      case '<': return n < operand.value;
      case '<=': return n <= operand.value;
      case '>': return n > operand.value;
      case '>=': return n >= operand.value;
    }
  }
  if (typeof actual !== 'string') return false;
  const matches = operand.kind === 'regex' ? operand.regex.test(actual)
    : operand.glob ? operand.glob.test(actual) : actual === operand.text;
  return op === '=' ? matches : !matches;
}
