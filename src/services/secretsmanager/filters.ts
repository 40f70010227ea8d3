// ListSecrets / BatchGetSecretValue filters, as the Filter API reference describes them: prefix matches
// (description and `all` not case-sensitive), `!` negates a value; values of one filter are alternatives,
// separate filters must all match.
import type { Filter } from '@aws-sdk/client-secrets-manager';
import type { SecretRecord } from './records.ts';

type Fields = Pick<SecretRecord, 'name' | 'description' | 'tags'>;

function candidates(key: string, secret: Fields): { texts: string[]; caseless: boolean } {
  switch (key) {
    case 'name': return { texts: [secret.name], caseless: false };
    case 'description': return { texts: secret.description === undefined ? [] : [secret.description], caseless: true };
    case 'tag-key': return { texts: Object.keys(secret.tags), caseless: false };
    case 'tag-value': return { texts: Object.values(secret.tags), caseless: false };
    // Berth does not replicate secrets and no AWS service owns them: nothing has a primary region or an owner.
    case 'primary-region':
    case 'owning-service': return { texts: [], caseless: false };
    default: return {
      texts: [secret.name, secret.description ?? '', ...Object.keys(secret.tags), ...Object.values(secret.tags)],
      caseless: true,
    };
  }
}

function prefixed(texts: readonly string[], prefix: string, caseless: boolean): boolean {
  const want = caseless ? prefix.toLowerCase() : prefix;
  return texts.some((text) => (caseless ? text.toLowerCase() : text).startsWith(want));
}

function valueMatches(key: string, secret: Fields, raw: string): boolean {
  const negated = raw.startsWith('!');
  const value = negated ? raw.slice(1) : raw;
  const { texts, caseless } = candidates(key, secret);
  let hit: boolean;
  if (key === 'all') {
    // `all` breaks the value into words; each word must begin some attribute or a word of one.
    const words = texts.flatMap((text) => [text, ...text.split(/[\s/_+=.@:-]+/)]);
    hit = value.split(/\s+/).filter((w) => w !== '').every((word) => prefixed(words, word, true));
  } else {
    hit = prefixed(texts, value, caseless);
  }
  return negated ? !hit : hit;
}

export function matchesFilters(secret: Fields, filters: readonly Filter[] | undefined): boolean {
  return (filters ?? []).every((filter) => {
    const values = filter.Values ?? [];
    return values.length === 0 || values.some((value) => valueMatches(filter.Key ?? 'all', secret, value));
  });
}
