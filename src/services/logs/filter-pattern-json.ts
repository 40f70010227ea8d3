// JSON filter patterns: `{ $.level = "error" && ($.latency > 100 || $.user NOT EXISTS) }`.
// Selectors walk the parsed message ($.a.b, $.list[0]); a message that is not a JSON object
// matches nothing. Comparisons: = != (strings with `*` wildcards, %regex%, numbers) and
// < <= > >= (numbers); `IS NULL`, `IS TRUE`, `IS FALSE`, `NOT EXISTS`; `&&` binds tighter than `||`.
import { compare, compileRegex, FilterPatternError, operandOf, readQuoted, type Comparator, type Operand } from './filter-pattern-values.ts';

type Token =
  | { kind: 'punct'; text: '(' | ')' | '&&' | '||' }
  | { kind: 'op'; text: Comparator }
  | { kind: 'selector'; path: (string | number)[] }
  | { kind: 'string'; text: string }
  | { kind: 'regex'; text: string }
  | { kind: 'word'; text: string };

type Predicate = (document: unknown) => boolean;

export function compileJson(body: string): (message: string) => boolean {
  const parser = new Parser(tokenize(body));
  const predicate = parser.expression();
  parser.expectEnd();
  return (message) => {
    let document: unknown;
    try {
      document = JSON.parse(message);
    } catch {
      return false;
    }
    return typeof document === 'object' && document !== null && predicate(document);
  };
}

const WORD_STOP = /[\s()=!<>&|"]/;
const KEY_STOP = /[\s.[\]()=!<>&|"]/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    const two = text.slice(i, i + 2);
    if (/\s/.test(c)) { i++; continue; }
    if (c === '(' || c === ')') { tokens.push({ kind: 'punct', text: c }); i++; continue; }
    if (two === '&&' || two === '||') { tokens.push({ kind: 'punct', text: two }); i += 2; continue; }
    if (two === '!=' || two === '<=' || two === '>=') { tokens.push({ kind: 'op', text: two }); i += 2; continue; }
    if (c === '=' || c === '<' || c === '>') { tokens.push({ kind: 'op', text: c }); i++; continue; }
    if (c === '"') {
      const { value, end } = readQuoted(text, i);
      tokens.push({ kind: 'string', text: value });
      i = end;
      continue;
    }
    if (c === '%') {
      const end = text.indexOf('%', i + 1);
      if (end < 0) throw new FilterPatternError();
      tokens.push({ kind: 'regex', text: text.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    if (c === '$') {
      const { path, end } = readSelector(text, i + 1);
      tokens.push({ kind: 'selector', path });
      i = end;
      continue;
    }
    let end = i;
    while (end < text.length && !WORD_STOP.test(text.charAt(end))) end++;
    if (end === i) throw new FilterPatternError();
    tokens.push({ kind: 'word', text: text.slice(i, end) });
    i = end;
  }
  return tokens;
}

/** `.key` and `[index]` steps after the `$`; at least one. */
function readSelector(text: string, start: number): { path: (string | number)[]; end: number } {
  const path: (string | number)[] = [];
  let i = start;
  for (;;) {
    if (text[i] === '.') {
      let end = i + 1;
      while (end < text.length && !KEY_STOP.test(text.charAt(end))) end++;
      if (end === i + 1) throw new FilterPatternError();
      path.push(text.slice(i + 1, end));
      i = end;
    } else if (text[i] === '[') {
      const close = text.indexOf(']', i);
      const index = text.slice(i + 1, close);
      if (close < 0 || !/^\d+$/.test(index)) throw new FilterPatternError();
      path.push(Number(index));
      i = close + 1;
    } else {
      break;
    }
  }
  if (path.length === 0) throw new FilterPatternError();
  return { path, end: i };
}

/** The value at a path; undefined when any step is missing (`null` is a value). */
function select(document: unknown, path: readonly (string | number)[]): unknown {
  let current = document;
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[step] as unknown;
    } else {
      if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.hasOwn(current, step)) return undefined;
      current = (current as Record<string, unknown>)[step];
    }
  }
  return current;
}

class Parser {
  readonly #tokens: Token[];
  #at = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  expectEnd(): void {
    if (this.#at !== this.#tokens.length) throw new FilterPatternError();
  }

  expression(): Predicate {
    const terms = [this.#conjunction()];
    while (this.#punct('||')) terms.push(this.#conjunction());
    return terms.length === 1 ? terms[0] ?? fail() : (d) => terms.some((t) => t(d));
  }

  #conjunction(): Predicate {
    const terms = [this.#primary()];
    while (this.#punct('&&')) terms.push(this.#primary());
    return terms.length === 1 ? terms[0] ?? fail() : (d) => terms.every((t) => t(d));
  }

  #primary(): Predicate {
    if (this.#punct('(')) {
      const inner = this.expression();
      if (!this.#punct(')')) throw new FilterPatternError();
      return inner;
    }
    const selector = this.#next();
    if (selector?.kind !== 'selector') throw new FilterPatternError();
    const path = selector.path;
    const next = this.#next();
    if (next?.kind === 'op') {
      const operand = this.#operand(next.text);
      return (d) => compare(select(d, path), next.text, operand);
    }
    if (next?.kind === 'word' && next.text === 'IS') {
      const what = this.#next();
      if (what?.kind !== 'word') throw new FilterPatternError();
      const expected = ({ NULL: null, TRUE: true, FALSE: false } as Record<string, null | boolean>)[what.text];
      if (expected === undefined) throw new FilterPatternError();
      return (d) => select(d, path) === expected;
    }
    if (next?.kind === 'word' && next.text === 'NOT') {
      const what = this.#next();
      if (what?.kind !== 'word' || what.text !== 'EXISTS') throw new FilterPatternError();
      return (d) => select(d, path) === undefined;
    }
    throw new FilterPatternError();
  }

  #operand(op: Comparator): Operand {
    const token = this.#next();
    let operand: Operand;
    if (token?.kind === 'string') operand = operandOf(token.text, true);
    else if (token?.kind === 'word') operand = operandOf(token.text, false);
    else if (token?.kind === 'regex' && (op === '=' || op === '!=')) operand = { kind: 'regex', regex: compileRegex(token.text) };
    else throw new FilterPatternError();
    // Ordering comparisons are numeric only.
    if (op !== '=' && op !== '!=' && operand.kind !== 'number') throw new FilterPatternError();
    return operand;
  }

  #punct(text: '(' | ')' | '&&' | '||'): boolean {
    const token = this.#tokens[this.#at];
    if (token?.kind === 'punct' && token.text === text) {
      this.#at++;
      return true;
    }
    return false;
  }

  #next(): Token | undefined {
    return this.#tokens[this.#at++];
  }
}

function fail(): never {
  throw new FilterPatternError();
}
