// ListSecrets: every secret of the account and region (without values), filtered, sorted and paged.
import type { ListSecretsRequest, ListSecretsResponse } from '@aws-sdk/client-secrets-manager';
import type { ServiceOperations } from '../../aws/service.ts';
import type { ListQuery } from '../../store/store.ts';
import { pageOf } from '../common/pagination.ts';
import { regionalScope } from '../common/scope.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { INVALID_NEXT_TOKEN, InvalidNextTokenException, InvalidParameterException } from './errors.ts';
import { matchesFilters } from './filters.ts';
import { describe } from './secrets.ts';

/** ListSecrets' page size when MaxResults is absent (Not verified: AWS documents no default). */
const DEFAULT_PAGE = 100;

export function listSecretsOperations(deps: ServiceDeps) {
  return {
    ListSecrets: async (input: ListSecretsRequest, ctx) => {
      const sortBy = input.SortBy ?? 'created-date';
      if (sortBy !== 'created-date' && sortBy !== 'name') {
        throw new InvalidParameterException(`Berth does not sort secrets by ${sortBy} yet (see LIMITATIONS.md).`);
      }
      const query: ListQuery = {
        order: sortBy === 'name' ? 'name' : 'seq',
        descending: input.SortOrder === 'desc',
        ...(input.IncludePlannedDeletion === true ? {} : { state: 'ACTIVE' }),
      };
      const page = await deps.store.read((tx) => pageOf(tx, 'secretsmanager.secret', regionalScope(ctx), query,
        { token: input.NextToken, limit: input.MaxResults ?? DEFAULT_PAGE, invalidToken: () => new InvalidNextTokenException(INVALID_NEXT_TOKEN) },
        (row) => matchesFilters(row.body, input.Filters)));
      return {
        SecretList: page.items.map((row) => {
          const { VersionIdsToStages, ...entry } = describe(row.body);
          return { ...entry, SecretVersionsToStages: VersionIdsToStages };
        }),
        NextToken: page.nextToken,
      };
    },
  } satisfies ServiceOperations<{ ListSecrets: [ListSecretsRequest, ListSecretsResponse] }>;
}
