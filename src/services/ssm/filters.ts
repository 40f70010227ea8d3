// ParameterFilters (DescribeParameters, GetParametersByPath) and the older Filters: checking them and matching a
// parameter's latest version against them. Pure functions.
import type { ParametersFilter, ParameterStringFilter, Tag } from '@aws-sdk/client-ssm';
import { InvalidFilterKey, InvalidFilterOption, InvalidFilterValue } from './errors.ts';
import { normalizePath, underPath, validatePath } from './names.ts';

export type FilterUse = 'describe' | 'by-path';

/** What filters look at: a parameter's name, tags and the fields of one of its versions. */
export interface FilterView {
  name: string;
  type: string;
  keyId?: string;
  tier: string;
  dataType: string;
  tags: readonly Tag[];
  labels: readonly string[];
}

export interface CheckedFilter {
  key: string;
  option: string;
  values: string[];
}

// "For DescribeParameters, all of the listed patterns are valid except Label. For GetParametersByPath, the following
// patterns listed for Key aren't valid: tag, DataType, Name, Path, and Tier." (ParameterStringFilter, SSM API reference)
const KEYS: Record<FilterUse, readonly string[]> = {
  describe: ['Path', 'Name', 'Type', 'KeyId', 'Tier', 'DataType'],
  'by-path': ['Type', 'KeyId', 'Label'],
};
const TYPES = ['String', 'StringList', 'SecureString'];
const TIERS = ['Standard', 'Advanced', 'Intelligent-Tiering'];

/** The options a key accepts (ParameterStringFilter Option): Path Recursive|OneLevel, Name also Contains, Label Equals. */
function optionsFor(key: string): string[] {
  if (key === 'Path') return ['Recursive', 'OneLevel'];
  if (key === 'Name') return ['BeginsWith', 'Equals', 'Contains'];
  if (key === 'Label') return ['Equals'];
  return ['BeginsWith', 'Equals'];
}

/** Checks ParameterFilters; messages follow the ones moto records from AWS (Not verified word for word). */
export function checkFilters(filters: readonly ParameterStringFilter[] | undefined, use: FilterUse): CheckedFilter[] {
  const seen = new Set<string>();
  return (filters ?? []).map((filter) => {
    const key = filter.Key ?? '';
    const isTag = key.startsWith('tag:');
    if ((isTag && use === 'by-path') || (!isTag && !KEYS[use].includes(key))) {
      throw new InvalidFilterKey(`The following filter key is not valid: ${key}. Valid filter keys include: [${KEYS[use].join(', ')}].`);
    }
    if (seen.has(key)) {
      throw new InvalidFilterKey(`The following filter is duplicated in the request: ${key}. A request can contain only one occurrence of a specific filter.`);
    }
    seen.add(key);
    const option = filter.Option ?? (key === 'Path' ? 'OneLevel' : 'Equals');
    const allowed = optionsFor(key);
    if (!allowed.includes(option)) {
      throw new InvalidFilterOption(`The following filter option is not valid: ${option}. Valid options include: [${allowed.join(', ')}].`);
    }
    const values = filter.Values ?? [];
    // A tag filter without values asks only that the tag key be there.
    if (!isTag && values.length === 0) throw new InvalidFilterValue(`The following filter values are missing : null for filter key ${key}.`);
    const known = key === 'Type' ? TYPES : key === 'Tier' ? TIERS : undefined;
    const bad = known && option === 'Equals' ? values.find((v) => !known.includes(v)) : undefined;
    if (bad !== undefined) {
      throw new InvalidFilterValue(`The following filter value is not valid: ${bad}. Valid values include: [${known?.join(', ')}].`);
    }
    if (key === 'Path') for (const value of values) validatePath(value);
    return { key, option, values };
  });
}

/** The older DescribeParameters Filters, as ParameterFilters: Name compares as BeginsWith, Type and KeyId as Equals (Not verified). */
export function legacyFilters(filters: readonly ParametersFilter[] | undefined): CheckedFilter[] {
  return (filters ?? []).map((f) => ({ key: f.Key ?? '', option: f.Key === 'Name' ? 'BeginsWith' : 'Equals', values: f.Values ?? [] }));
}

function compare(option: string, actual: string, values: readonly string[]): boolean {
  if (option === 'BeginsWith') return values.some((v) => actual.startsWith(v));
  if (option === 'Contains') return values.some((v) => actual.includes(v));
  return values.includes(actual);
}

/** A name as the Name filter compares it: "/a" and "a" are one parameter, so both sides get a leading slash. */
const slashed = (name: string): string => (name.startsWith('/') ? name : `/${name}`);

export function matchesFilter(view: FilterView, filter: CheckedFilter): boolean {
  const { key, option, values } = filter;
  switch (key) {
    case 'Name':
      return option === 'Contains' ? compare(option, view.name, values) : compare(option, slashed(view.name), values.map(slashed));
    case 'Path':
      return values.some((path) => underPath(view.name, normalizePath(path), option === 'Recursive'));
    case 'Type':
      return compare(option, view.type, values);
    case 'KeyId':
      return view.keyId !== undefined && compare(option, view.keyId, values);
    case 'Tier':
      return compare(option, view.tier, values);
    case 'DataType':
      return compare(option, view.dataType, values);
    case 'Label':
      return view.labels.some((label) => values.includes(label));
    default: {
      const tagKey = key.slice('tag:'.length);
      const tagValues = view.tags.filter((t) => t.Key === tagKey).map((t) => t.Value ?? '');
      if (tagValues.length === 0) return false;
      return values.length === 0 || tagValues.some((v) => compare(option, v, values));
    }
  }
}

export function matchesAll(view: FilterView, filters: readonly CheckedFilter[]): boolean {
  return filters.every((f) => matchesFilter(view, f));
}
