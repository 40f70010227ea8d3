// Parameter names, selectors (name:version, name:label, ARNs), hierarchy paths and label rules: pure functions.
import { AccessDeniedException, HierarchyLevelLimitExceededException, ValidationException } from './errors.ts';

/** "Parameter hierarchies are limited to a maximum depth of fifteen levels" (PutParameter API reference, Name). */
export const MAX_HIERARCHY_LEVELS = 15;
/** "Labels can have a maximum of 100 characters" (Parameter Store user guide, Labeling parameters). */
export const MAX_LABEL_LENGTH = 100;

const NAME_CHARS = /^[a-zA-Z0-9_.\-/]+$/;
// AWS's text for a name that breaks the rules (seen in AWS answers; moto records it). Not verified for every case below.
const PATH_RULES = 'Parameter name: can\'t be prefixed with "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths ' +
  'divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_';
const PREFIX_RULE = 'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).';

/** The key a parameter is stored under: "/a" and "a" share an ARN (`parameter/a`), so they name one parameter. */
export function parameterKey(name: string): string {
  return name.startsWith('/') ? name.slice(1) : name;
}

/** `arn:aws:ssm:<region>:<account>:parameter/<name without its leading slash>` (Parameter Store ARNs). */
export function parameterArn(region: string, account: string, name: string): string {
  return `arn:aws:ssm:${region}:${account}:parameter/${parameterKey(name)}`;
}

/** How many hierarchy levels a name has: the number of `/`-separated parts. */
export function hierarchyDepth(name: string): number {
  return parameterKey(name).split('/').length;
}

/**
 * Checks a name PutParameter is asked to create and returns it as stored: AWS trims spaces at either end ("The service
 * removes any spaces specified for the beginning or end of a parameter name", PutParameter API reference).
 */
export function validateNewName(raw: string): string {
  const name = raw.trim();
  if (name.startsWith('arn:')) {
    // "You can't enter the Amazon Resource Name (ARN) for a parameter, only the parameter name itself." Not verified: the text.
    throw new ValidationException('Parameter name: You can\'t enter the Amazon Resource Name (ARN) for a parameter, only the parameter name itself.');
  }
  const isPath = name.includes('/');
  const first = (parameterKey(name).split('/')[0] ?? '').toLowerCase();
  if (first.startsWith('aws') || first.startsWith('ssm')) {
    if (!isPath) throw new ValidationException(PREFIX_RULE);
    if (first.startsWith('aws')) throw new AccessDeniedException(`No access to reserved parameter name: ${name}.`);
    throw new ValidationException(PATH_RULES);
  }
  // A name in a hierarchy starts with "/" ("you must include a leading forward slash character"); no part may be empty.
  if (!NAME_CHARS.test(name) || (isPath && (!name.startsWith('/') || name.endsWith('/') || name.includes('//')))) {
    throw new ValidationException(PATH_RULES);
  }
  if (hierarchyDepth(name) > MAX_HIERARCHY_LEVELS) throw new HierarchyLevelLimitExceededException();
  return name;
}

export interface Selector {
  /** The name as the request gave it, without the selector. */
  name: string;
  /** The account and region an ARN named; undefined for a plain name. */
  arn?: { region: string; account: string };
  /** `:3` or `:prod`, as GetParameter echoes it in `Selector`. */
  text?: string;
  version?: number;
  label?: string;
}

const ARN = /^arn:aws[a-z-]*:ssm:([a-z0-9-]*):(\d{12}):parameter(\/.*)$/;

/** Splits `name`, `name:version`, `name:label` or a parameter ARN (optionally with a selector). */
export function parseSelector(input: string): Selector {
  let rest = input;
  let arn: Selector['arn'];
  const match = ARN.exec(input);
  if (match) {
    arn = { region: match[1] ?? '', account: match[2] ?? '' };
    const path = match[3] ?? '/';
    // The ARN drops a hierarchical name's leading slash; a name with no hierarchy has none either.
    rest = path.slice(1).includes('/') ? path : path.slice(1);
  }
  const colon = rest.indexOf(':');
  if (colon < 0) return arn ? { name: rest, arn } : { name: rest };
  const name = rest.slice(0, colon);
  const tail = rest.slice(colon + 1);
  const base = arn ? { name, arn, text: `:${tail}` } : { name, text: `:${tail}` };
  return /^\d+$/.test(tail) ? { ...base, version: Number(tail) } : { ...base, label: tail };
}

/** Why a label is refused (it then goes to InvalidLabels), or undefined for a good one. Rules: Labeling parameters (user guide). */
export function labelProblem(label: string): string | undefined {
  if (label.length < 1 || label.length > MAX_LABEL_LENGTH) return 'length';
  if (!/^[a-zA-Z0-9_.-]+$/.test(label)) return 'characters';
  if (/^\d/.test(label)) return 'starts with a number';
  const lower = label.toLowerCase();
  if (lower.startsWith('aws') || lower.startsWith('ssm')) return 'reserved prefix';
  return undefined;
}

/** A path as GetParametersByPath and the Path filter compare it: leading slash, no trailing one ("/" stays "/"). */
export function normalizePath(path: string): string {
  const trimmed = `/${path.replace(/^\/+/, '').replace(/\/+$/, '')}`;
  return trimmed;
}

/** Whether `name` sits under `path`: directly (one level) or anywhere below it (recursive). Names without "/" sit nowhere. */
export function underPath(name: string, path: string, recursive: boolean): boolean {
  if (!name.startsWith('/')) return false;
  const base = normalizePath(path);
  const prefix = base === '/' ? '/' : `${base}/`;
  if (!name.startsWith(prefix) || name.length === prefix.length) return false;
  return recursive || !name.slice(prefix.length).includes('/');
}

/** GetParametersByPath's check of Path: AWS's text (moto records it); Not verified for every case. */
export function validatePath(path: string): void {
  if (!path.startsWith('/') || path.includes('//') || !NAME_CHARS.test(path)) {
    throw new ValidationException(
      'The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/". ' +
      'It can\'t be prefixed with "aws" or "ssm" (case-insensitive). It must use only letters, numbers, or the following symbols: ' +
      '. (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the ' +
      'forward slash symbol "/". Valid example: /get/parameters2-/by1./path0_.');
  }
  if (hierarchyDepth(path.replace(/\/+$/, '') || '/') > MAX_HIERARCHY_LEVELS) throw new HierarchyLevelLimitExceededException();
}
