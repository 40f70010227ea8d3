// Listing parameters: GetParametersByPath (values, by hierarchy) and DescribeParameters (metadata, by filters), paged
// in name order with the store's keyset tokens.
import type {
  DescribeParametersRequest, DescribeParametersResult, GetParametersByPathRequest, GetParametersByPathResult,
  ParameterMetadata,
} from '@aws-sdk/client-ssm';
import type { ServiceOperations } from '../../aws/service.ts';
import type { SecretBox } from '../../platform/secret-box.ts';
import type { Scope } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { pageOf } from '../common/pagination.ts';
import { regionalScope } from '../common/scope.ts';
import { InvalidNextToken, ValidationException } from './errors.ts';
import { checkFilters, legacyFilters, matchesAll, type CheckedFilter, type FilterView } from './filters.ts';
import { normalizePath, parameterKey, underPath, validatePath } from './names.ts';
import { arnOf, latest, type ParameterRecord, type ParameterVersionRecord } from './records.ts';
import { parameterOf } from './parameters.ts';

/** GetParametersByPath answers at most 10 per page (the model's 1–10), DescribeParameters 10 by default (Not verified: moto's default). */
const BY_PATH_PAGE = 10;
const DESCRIBE_PAGE = 10;

export function viewOf(record: ParameterRecord, version: ParameterVersionRecord): FilterView {
  return {
    name: record.name, type: version.type, keyId: version.keyId, tier: version.tier, dataType: version.dataType,
    tags: record.tags, labels: version.labels,
  };
}

/**
 * The version GetParametersByPath reports: with a Label filter, the newest version carrying one of the labels (the
 * labelled version is what the filter asks for; Not verified), otherwise the latest.
 */
export function byPathVersion(record: ParameterRecord, filters: readonly CheckedFilter[]): ParameterVersionRecord | undefined {
  const label = filters.find((f) => f.key === 'Label');
  const version = label ? record.versions.filter((v) => v.labels.some((l) => label.values.includes(l))).at(-1) : latest(record);
  return version && matchesAll(viewOf(record, version), filters) ? version : undefined;
}

function metadataOf(scope: Scope, record: ParameterRecord): ParameterMetadata {
  const v = latest(record);
  return {
    Name: record.name, ARN: arnOf(scope, record.name), Type: v.type, KeyId: v.keyId, LastModifiedDate: v.lastModifiedDate,
    LastModifiedUser: v.lastModifiedUser, Description: v.description, AllowedPattern: v.allowedPattern, Version: v.version,
    Tier: v.tier, Policies: [], DataType: v.dataType,
  };
}

export function queryOperations(deps: ServiceDeps, box: SecretBox) {
  const invalidToken = () => new InvalidNextToken();
  return {
    GetParametersByPath: async (input: GetParametersByPathRequest, ctx) => {
      const path = input.Path ?? '';
      validatePath(path);
      const filters = checkFilters(input.ParameterFilters, 'by-path');
      const recursive = input.Recursive === true;
      const scope = regionalScope(ctx);
      const base = normalizePath(path);
      const page = await deps.store.read((tx) => pageOf(tx, 'ssm.parameter', scope,
        { order: 'name', namePrefix: base === '/' ? '' : `${parameterKey(base)}/` },
        { token: input.NextToken, limit: input.MaxResults ?? BY_PATH_PAGE, invalidToken },
        (row) => underPath(row.body.name, base, recursive) && byPathVersion(row.body, filters) !== undefined));
      const withDecryption = input.WithDecryption === true;
      return {
        Parameters: page.items.map(({ body }) => {
          const version = byPathVersion(body, filters) ?? latest(body);
          return parameterOf(scope, { record: body, version, selector: { name: body.name } }, box, withDecryption);
        }),
        ...(page.nextToken === undefined ? {} : { NextToken: page.nextToken }),
      };
    },
    DescribeParameters: async (input: DescribeParametersRequest, ctx) => {
      if ((input.Filters?.length ?? 0) > 0 && (input.ParameterFilters?.length ?? 0) > 0) {
        // moto records this text (Not verified).
        throw new ValidationException('You can use either Filters or ParameterFilters in a single request.');
      }
      const filters = [...legacyFilters(input.Filters), ...checkFilters(input.ParameterFilters, 'describe')];
      const scope = regionalScope(ctx);
      // Shared: parameters other accounts share with this one. Berth shares none, so that listing is empty.
      if (input.Shared === true) return { Parameters: [] };
      const page = await deps.store.read((tx) => pageOf(tx, 'ssm.parameter', scope, { order: 'name' },
        { token: input.NextToken, limit: input.MaxResults ?? DESCRIBE_PAGE, invalidToken },
        (row) => matchesAll(viewOf(row.body, latest(row.body)), filters)));
      return {
        Parameters: page.items.map(({ body }) => metadataOf(scope, body)),
        ...(page.nextToken === undefined ? {} : { NextToken: page.nextToken }),
      };
    },
  } satisfies ServiceOperations<{
    GetParametersByPath: [GetParametersByPathRequest, GetParametersByPathResult];
    DescribeParameters: [DescribeParametersRequest, DescribeParametersResult];
  }>;
}
