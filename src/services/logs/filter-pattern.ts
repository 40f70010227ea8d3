// CloudWatch Logs filter patterns (FilterLogEvents' filterPattern), compiled once into a predicate
// over an event's message. The syntax, from the CloudWatch Logs User Guide ("Filter pattern syntax
// for metric filters, subscription filters, filter log events"):
//   terms         ERROR "Connection refused" -DEBUG      every term present, none of the '-' ones
//                 ?ERROR ?WARN                          any of the '?' terms
//                 %ERR[0-9]+%                            a regular expression
//   JSON          { $.level = "error" && ($.latency > 100 || $.user NOT EXISTS) }
//   space-delim.  [ip, user, ..., status_code = 4*, bytes > 1000]
// Terms match case-sensitively anywhere in the message; `*` in a compared string is a wildcard.
import { compileDelimited } from './filter-pattern-delimited.ts';
import { compileJson } from './filter-pattern-json.ts';
import { compileRegex, FilterPatternError, readQuoted } from './filter-pattern-values.ts';

export { FilterPatternError } from './filter-pattern-values.ts';

/** A compiled pattern: does this message match? */
export type MessageMatcher = (message: string) => boolean;

/** Compiles a filter pattern; throws FilterPatternError when it cannot be parsed. An empty pattern matches everything. */
export function compileFilterPattern(pattern: string): MessageMatcher {
  const text = pattern.trim();
  if (text === '') return () => true;
  if (text.startsWith('{')) {
    // Verified: AWS's own text for this case (jorgebastida/awslogs #210).
    if (!text.endsWith('}')) throw new FilterPatternError("If a filter pattern starts with '{' it must end with '}'");
    return compileJson(text.slice(1, -1));
  }
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) throw new FilterPatternError();
    return compileDelimited(text.slice(1, -1));
  }
  return compileTerms(text);
}

interface Term {
  kind: 'required' | 'excluded' | 'optional';
  test: (message: string) => boolean;
}

/** "Terms that include characters other than alphanumeric or underscore must be placed inside double quotes." */
const BARE_TERM = /^[\p{L}\p{N}_]+$/u;

function compileTerms(text: string): MessageMatcher {
  const terms: Term[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text.charAt(i))) { i++; continue; }
    let kind: Term['kind'] = 'required';
    if (text[i] === '-') { kind = 'excluded'; i++; } else if (text[i] === '?') { kind = 'optional'; i++; }
    const opener = text.charAt(i);
    if (opener === '"') {
      const { value, end } = readQuoted(text, i);
      terms.push({ kind, test: (m) => m.includes(value) });
      i = end;
    } else if (opener === '%') {
      const end = text.indexOf('%', i + 1);
      if (end < 0) throw new FilterPatternError();
      const regex = compileRegex(text.slice(i + 1, end));
      terms.push({ kind, test: (m) => regex.test(m) });
      i = end + 1;
    } else {
      let end = i;
      while (end < text.length && !/\s/.test(text.charAt(end))) end++;
      const word = text.slice(i, end);
      if (!BARE_TERM.test(word)) throw new FilterPatternError();
      terms.push({ kind, test: (m) => m.includes(word) });
      i = end;
    }
  }
  const required = terms.filter((t) => t.kind === 'required');
  const excluded = terms.filter((t) => t.kind === 'excluded');
  const optional = terms.filter((t) => t.kind === 'optional');
  return (message) => required.every((t) => t.test(message))
    && !excluded.some((t) => t.test(message))
    && (optional.length === 0 || optional.some((t) => t.test(message)));
}

