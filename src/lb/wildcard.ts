// ALB's wildcard patterns (`*` any run of characters, `?` exactly one character, not one UTF-16 unit), compiled once per configuration.
// Rule condition docs: path patterns are case-sensitive; host names, HTTP header values and query strings are not.

/** A matcher for one ALB pattern; `caseInsensitive` for host-header, http-header and query-string values. */
export function wildcardMatcher(pattern: string, caseInsensitive: boolean): (value: string) => boolean {
  let source = '';
  for (const char of pattern) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
  }
  const regex = new RegExp(`^${source}$`, caseInsensitive ? 'isu' : 'su');
  return (value) => regex.test(value);
}

/**
 * A matcher for one of a condition's RegexValues (host-header, http-header, path-pattern). AWS documents them as
 * unanchored regular expressions without lookaround or backreferences; JavaScript's dialect is a superset. A
 * pattern JavaScript rejects never matches (the API already validated it; this keeps a bad record from throwing).
 */
export function regexMatcher(pattern: string, caseInsensitive: boolean): (value: string) => boolean {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, caseInsensitive ? 'i' : '');
  } catch {
    return () => false;
  }
  return (value) => regex.test(value);
}
