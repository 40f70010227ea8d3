// Tags on Berth's EC2 resources: CreateTags, DeleteTags, DescribeTags, and the TagSpecifications every
// Create operation takes. Tags live inside each resource's record (Tags, or TagSet on network interfaces).
import type {
  CreateTagsRequest,
  DeleteTagsRequest,
  DescribeTagsRequest,
  DescribeTagsResult,
  ResourceType,
  Tag,
  TagDescription,
  TagSpecification,
} from '@aws-sdk/client-ec2';
import type { AwsError } from '../../aws/errors.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import type { Kind, ResourceKinds, Scope, StoreTx } from '../../store/store.ts';
import { keepFiltered, pageOf, type Ordered } from './describe.ts';
import {
  invalidGroupNotFound,
  invalidId,
  invalidNetworkInterfaceIdNotFound,
  invalidParameterValue,
  invalidSecurityGroupRuleIdNotFound,
  invalidSubnetIdNotFound,
  invalidTagKeyMalformed,
  invalidVpcIdNotFound,
  tagLimitExceeded,
} from './errors.ts';
import { filterTagDescriptions } from './filters.ts';
import { ec2IdPrefixOf, type Ec2IdPrefix } from './ids.ts';
import { readNetwork, writeNetwork, type Ec2Env, type NetworkCall } from './network-call.ts';
import {
  putDhcpOptions,
  putInternetGateway,
  putNetworkAcl,
  putNetworkInterface,
  putRouteTable,
  putSecurityGroup,
  putSecurityGroupRule,
  putSubnet,
  putVpc,
} from './records.ts';
import { invalidTaggableResourceType, tagSpecificationWithoutResourceType } from './request-errors.ts';
import {
  invalidDhcpOptionsIdNotFound,
  invalidInternetGatewayIdNotFound,
  invalidNetworkAclIdNotFound,
  invalidRouteTableIdNotFound,
} from './routing-errors.ts';

/** "Maximum number of tags per resource: 50"; keys up to 128 characters, values up to 256 (Amazon EC2 User Guide, "Tag restrictions"). */
export const MAX_TAGS_PER_RESOURCE = 50;
const MAX_KEY_LENGTH = 128;
const MAX_VALUE_LENGTH = 256;

/**
 * Checks tags a request adds and returns them with AWS's defaults: a tag without a value gets "" ("If you
 * don't want the resource to have a value, specify the parameter with no value, and we set the value to an
 * empty string", CreateTags docs). A key repeated in one request keeps its last value.
 */
export function validateTags(tags: readonly Tag[]): Tag[] {
  const byKey = new Map<string, string>();
  for (const tag of tags) {
    const key = tag.Key ?? '';
    if (key === '' || key.toLowerCase().startsWith('aws:')) throw invalidTagKeyMalformed();
    // "Tag value exceeds the maximum length of 256 characters" is AWS's text (iriusrisk/GoCD-EC2-Elastic-Agent-Plugin#24); the key's is by analogy.
    if ([...key].length > MAX_KEY_LENGTH) throw invalidParameterValue(`Tag key exceeds the maximum length of ${MAX_KEY_LENGTH} characters`);
    const value = tag.Value ?? '';
    if ([...value].length > MAX_VALUE_LENGTH) throw invalidParameterValue(`Tag value exceeds the maximum length of ${MAX_VALUE_LENGTH} characters`);
    byKey.set(key, value);
  }
  if (byKey.size > MAX_TAGS_PER_RESOURCE) throw tagLimitExceeded();
  return [...byKey].map(([Key, Value]) => ({ Key, Value }));
}

/**
 * The tags a Create operation's TagSpecifications put on the resource it creates. Every specification must
 * name that resource's type: AWS refuses another type with InvalidParameter and a missing one with
 * InvalidTagSpecification.Malformed.
 */
export function tagsFromSpecifications(specifications: readonly TagSpecification[] | undefined, resourceType: ResourceType): Tag[] {
  const tags: Tag[] = [];
  for (const specification of specifications ?? []) {
    if (specification.ResourceType === undefined) throw tagSpecificationWithoutResourceType();
    if (specification.ResourceType !== resourceType) throw invalidTaggableResourceType(specification.ResourceType);
    tags.push(...(specification.Tags ?? []));
  }
  return validateTags(tags);
}

/** `{ Tags }` when there are tags, else nothing: AWS leaves tagSet out of an untagged resource. */
export function tagMember(tags: readonly Tag[] | undefined): { Tags?: Tag[] } {
  return tags && tags.length > 0 ? { Tags: [...tags] } : {};
}

/** How tags are read and written on one kind of record. */
interface Taggable {
  readonly resourceType: ResourceType;
  readonly notFound: (id: string) => AwsError;
  load(call: NetworkCall, id: string): Promise<Tag[] | undefined>;
  save(call: NetworkCall, id: string, tags: Tag[]): Promise<void>;
  all(call: NetworkCall): Promise<Ordered<{ id: string; tags: Tag[] }>[]>;
}

/** How one kind keeps its tags: where they live in the record, and how the record is stored back. */
interface TagPlacement<K extends Kind> {
  readonly kind: K;
  readonly resourceType: ResourceType;
  readonly notFound: (id: string) => AwsError;
  readonly tagsOf: (body: ResourceKinds[K]) => Tag[] | undefined;
  readonly withTags: (body: ResourceKinds[K], tags: Tag[] | undefined) => ResourceKinds[K];
  readonly put: (tx: StoreTx, scope: Scope, body: ResourceKinds[K]) => Promise<void>;
}

function taggable<K extends Kind>({ kind, resourceType, notFound, tagsOf, withTags, put }: TagPlacement<K>): Taggable {
  return {
    resourceType,
    notFound,
    async load(call, id) {
      const body = await call.tx.get(kind, call.scope, id);
      return body === undefined ? undefined : (tagsOf(body) ?? []);
    },
    async save(call, id, tags) {
      const body = await call.tx.get(kind, call.scope, id);
      if (body !== undefined) await put(call.tx, call.scope, withTags(body, tags.length > 0 ? tags : undefined));
    },
    async all(call) {
      const rows = await call.tx.list(kind, call.scope);
      return rows.map((row) => ({ seq: row.seq, item: { id: row.id, tags: tagsOf(row.body) ?? [] } }));
    },
  };
}

/** The resources Berth's EC2 can tag, by id prefix, in DescribeTags' order. */
const TAGGABLE: ReadonlyMap<Ec2IdPrefix, Taggable> = new Map<Ec2IdPrefix, Taggable>([
  ['vpc', taggable({
    kind: 'ec2.vpc', resourceType: 'vpc', notFound: invalidVpcIdNotFound, put: putVpc,
    tagsOf: (r) => r.vpc.Tags, withTags: (r, Tags) => ({ ...r, vpc: { ...r.vpc, Tags } }),
  })],
  ['subnet', taggable({
    kind: 'ec2.subnet', resourceType: 'subnet', notFound: invalidSubnetIdNotFound, put: putSubnet,
    tagsOf: (r) => r.Tags, withTags: (r, Tags) => ({ ...r, Tags }),
  })],
  ['sg', taggable({
    kind: 'ec2.security-group', resourceType: 'security-group', notFound: invalidGroupNotFound, put: putSecurityGroup,
    tagsOf: (r) => r.Tags, withTags: (r, Tags) => ({ ...r, Tags }),
  })],
  ['sgr', taggable({
    kind: 'ec2.security-group-rule', resourceType: 'security-group-rule', notFound: invalidSecurityGroupRuleIdNotFound, put: putSecurityGroupRule,
    tagsOf: (r) => r.Tags, withTags: (r, Tags) => ({ ...r, Tags }),
  })],
  ['eni', taggable({
    kind: 'ec2.network-interface', resourceType: 'network-interface', notFound: invalidNetworkInterfaceIdNotFound, put: putNetworkInterface,
    tagsOf: (r) => r.TagSet, withTags: (r, TagSet) => ({ ...r, TagSet: TagSet ?? [] }),
  })],
  ['rtb', taggable({
    kind: 'ec2.route-table', resourceType: 'route-table', notFound: invalidRouteTableIdNotFound, put: putRouteTable,
    tagsOf: (r) => r.Tags, withTags: (r, Tags) => ({ ...r, Tags }),
  })],
  ['igw', taggable({
    kind: 'ec2.internet-gateway', resourceType: 'internet-gateway', notFound: invalidInternetGatewayIdNotFound, put: putInternetGateway,
    tagsOf: (r) => r.Tags, withTags: (r, Tags) => ({ ...r, Tags }),
  })],
  ['acl', taggable({
    kind: 'ec2.network-acl', resourceType: 'network-acl', notFound: invalidNetworkAclIdNotFound, put: putNetworkAcl,
    tagsOf: (r) => r.Tags, withTags: (r, Tags) => ({ ...r, Tags }),
  })],
  ['dopt', taggable({
    kind: 'ec2.dhcp-options', resourceType: 'dhcp-options', notFound: invalidDhcpOptionsIdNotFound, put: putDhcpOptions,
    tagsOf: (r) => r.Tags, withTags: (r, Tags) => ({ ...r, Tags }),
  })],
]);

/** The kind behind an id; InvalidID for anything that is not the id of a resource Berth keeps. */
function taggableOf(id: string): Taggable {
  const prefix = ec2IdPrefixOf(id);
  const kind = prefix === undefined ? undefined : TAGGABLE.get(prefix);
  if (kind === undefined) throw invalidId(id);
  return kind;
}

async function loadTags(call: NetworkCall, id: string): Promise<{ kind: Taggable; tags: Tag[] }> {
  const kind = taggableOf(id);
  const tags = await kind.load(call, id);
  if (tags === undefined) throw kind.notFound(id);
  return { kind, tags };
}

export function tagOperations(env: Ec2Env) {
  return {
    CreateTags: async (input: CreateTagsRequest, ctx) => writeNetwork(env, ctx, input.DryRun, async (call) => {
      const added = validateTags(input.Tags ?? []);
      for (const id of input.Resources ?? []) {
        const { kind, tags } = await loadTags(call, id);
        const merged = new Map(tags.map((tag) => [tag.Key ?? '', tag.Value ?? '']));
        for (const tag of added) merged.set(tag.Key ?? '', tag.Value ?? '');
        if (merged.size > MAX_TAGS_PER_RESOURCE) throw tagLimitExceeded();
        await kind.save(call, id, [...merged].map(([Key, Value]) => ({ Key, Value })));
      }
      return {};
    }),

    DeleteTags: async (input: DeleteTagsRequest, ctx) => writeNetwork(env, ctx, input.DryRun, async (call) => {
      for (const id of input.Resources ?? []) {
        const { kind, tags } = await loadTags(call, id);
        // "If you omit this parameter, we delete all user-defined tags for the specified resources"; a tag
        // with a value "only if its value matches", an empty-string value only an empty value (DeleteTags docs).
        const kept = input.Tags === undefined ? [] : tags.filter((tag) => !input.Tags?.some((doomed) =>
          doomed.Key === tag.Key && (doomed.Value === undefined || doomed.Value === tag.Value)));
        await kind.save(call, id, kept);
      }
      return {};
    }),

    DescribeTags: async (input: DescribeTagsRequest, ctx) => readNetwork(env, ctx, input.DryRun, async (call) => {
      // "This value can be between 5 and 1000" (DescribeTags docs); the model does not carry the range. Unverified text.
      if (input.MaxResults !== undefined && (input.MaxResults < 5 || input.MaxResults > 1000)) {
        throw invalidParameterValue(`Value ( ${input.MaxResults} ) for parameter maxResults is invalid. Parameter must be between 5 and 1000.`);
      }
      const all: Ordered<TagDescription>[] = [];
      for (const kind of TAGGABLE.values()) {
        for (const { seq, item } of await kind.all(call)) {
          // One resource's tags share its seq; the tag's index (< MAX_TAGS_PER_RESOURCE < 64) orders them
          // within it, so a page may end in the middle of a resource's tags and the next resumes there.
          item.tags.forEach((tag, index) => all.push({
            seq: seq * 64 + index,
            item: { ResourceId: item.id, ResourceType: kind.resourceType, Key: tag.Key, Value: tag.Value },
          }));
        }
      }
      all.sort((a, b) => a.seq - b.seq);
      const page = pageOf(keepFiltered(all, (items) => filterTagDescriptions(items, input.Filters)), input.MaxResults, input.NextToken);
      return { Tags: page.items, NextToken: page.nextToken };
    }),
  } satisfies ServiceOperations<{
    CreateTags: [CreateTagsRequest, object];
    DeleteTags: [DeleteTagsRequest, object];
    DescribeTags: [DescribeTagsRequest, DescribeTagsResult];
  }>;
}
