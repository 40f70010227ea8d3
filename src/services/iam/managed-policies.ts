// Managed policies: customer managed policies (create, read, list, delete) and the AWS managed
// catalog, which every account can read, list and attach.
//
// Facts (IAM API reference): a new policy's DefaultVersionId is v1; its Path defaults to "/";
// GetPolicy returns Description, ListPolicies does not; ListPolicies' Scope is All (default),
// AWS or Local; DeletePolicy requires the policy detached from every entity and its non-default
// versions deleted first.
import type {
  CreatePolicyRequest, CreatePolicyResponse, DeletePolicyRequest, GetPolicyRequest, GetPolicyResponse, ListPoliciesRequest,
  ListPoliciesResponse, Policy,
} from '@aws-sdk/client-iam';
import type { Principal } from '../../aws/context.ts';
import { clientError, type AwsError } from '../../aws/errors.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { globalScope } from '../common/scope.ts';
import { policyArn } from './arns.ts';
import { AWS_MANAGED_POLICIES } from './aws-managed-policies.ts';
import { policyTextOf } from './documents.ts';
import { DeleteConflictException, EntityAlreadyExistsException } from './errors.ts';
import { newPolicyId } from './ids.ts';
import { pageArray } from './paging.ts';
import { checkManagedPolicySize, parsePolicyDocument } from './policy-document.ts';
import { awsView, localView, policyOutput, policyUsage, requirePolicy, type PolicyUsage, type PolicyView } from './policy-lookup.ts';
import { entityKey, type ManagedPolicyRecord } from './records.ts';
import type { Empty } from './responses.ts';
import { checkRequestTags, tagsOrUndefined } from './tags.ts';
import { required } from './validation.ts';

/**
 * AWS managed policies belong to AWS: changing one is refused. IAM's AccessDenied names the
 * action and the policy; this wording follows IAM's usual "User: … is not authorized to
 * perform: …" form (unverified for these actions).
 */
export function notYourPolicy(caller: Principal, action: string, arn: string): AwsError {
  return clientError('AccessDenied', `User: ${caller.arn} is not authorized to perform: iam:${action} on resource: policy ${arn}`, 403);
}

/** Parses a managed policy document as CreatePolicy/CreatePolicyVersion do. */
export function readManagedPolicyText(document: string): string {
  const text = policyTextOf(document);
  parsePolicyDocument(text, 'identity', { managed: true });
  checkManagedPolicySize(text);
  return text;
}

function listed(view: PolicyView, usage: PolicyUsage): Policy {
  // ListPolicies returns neither Description nor Tags (IAM API reference, Policy.Description, ListPolicies).
  return { ...policyOutput(view, usage), Description: undefined };
}

export function managedPolicyOperations(deps: ServiceDeps): ServiceOperations<{
  CreatePolicy: [CreatePolicyRequest, CreatePolicyResponse];
  GetPolicy: [GetPolicyRequest, GetPolicyResponse];
  ListPolicies: [ListPoliciesRequest, ListPoliciesResponse];
  DeletePolicy: [DeletePolicyRequest, Empty];
}> {
  const { store, ids } = deps;
  const random = (n: number): Buffer => ids.bytes(n);
  return {
    CreatePolicy: async (input, ctx) => {
      const name = required(input.PolicyName, 'PolicyName');
      const path = input.Path ?? '/';
      const text = readManagedPolicyText(required(input.PolicyDocument, 'PolicyDocument'));
      const tags = checkRequestTags(input.Tags);
      const scope = globalScope(ctx);
      return store.write(async (tx) => {
        const key = entityKey(name);
        if (await tx.get('iam.policy', scope, key)) {
          // verified: Aabyss-Team/awsKeyTools#13, Altinity/terraform-aws-eks-clickhouse#7.
          throw new EntityAlreadyExistsException(`A policy called ${name} already exists. Duplicate names are not allowed.`);
        }
        const record: ManagedPolicyRecord = {
          policyName: name,
          policyId: newPolicyId(random),
          path,
          arn: policyArn(scope.account, path, name),
          defaultVersionId: 'v1',
          nextVersion: 2,
          createDate: ctx.now,
          updateDate: ctx.now,
          tags,
        };
        if (input.Description !== undefined) record.description = input.Description;
        await tx.put('iam.policy', scope, { id: key, name: path, body: record });
        await tx.put('iam.policy-version', scope, { id: `${key}/v1`, parent: key, body: { versionId: 'v1', document: text, createDate: ctx.now } });
        // The API reference's create-policy example carries no Description.
        const policy = { ...policyOutput(localView(record), { attachments: 0, boundaries: 0 }), Description: undefined };
        return { Policy: { ...policy, Tags: tagsOrUndefined(tags) } };
      });
    },

    GetPolicy: async (input, ctx) => {
      const arn = required(input.PolicyArn, 'PolicyArn');
      const scope = globalScope(ctx);
      return store.read(async (tx) => {
        const view = await requirePolicy(tx, scope, arn);
        const policy = policyOutput(view, await policyUsage(tx, scope, arn));
        return { Policy: { ...policy, Tags: tagsOrUndefined(view.local?.tags ?? []) } };
      });
    },

    ListPolicies: async (input, ctx) => {
      const scope = globalScope(ctx);
      const policyScope = input.Scope ?? 'All';
      const prefix = input.PathPrefix ?? '/';
      const all = await store.read(async (tx) => {
        const usage = new Map<string, PolicyUsage>();
        for (const row of await tx.list('iam.attachment', scope)) {
          const counts = usage.get(row.body.policyArn) ?? { attachments: 0, boundaries: 0 };
          if (row.body.usage === 'PermissionsBoundary') counts.boundaries++;
          else counts.attachments++;
          usage.set(row.body.policyArn, counts);
        }
        const views: PolicyView[] = [];
        if (policyScope !== 'Local') views.push(...AWS_MANAGED_POLICIES.map(awsView));
        if (policyScope !== 'AWS') views.push(...(await tx.list('iam.policy', scope)).map((r) => localView(r.body)));
        return views
          .filter((v) => v.path.startsWith(prefix))
          .map((v) => ({ view: v, usage: usage.get(v.arn) ?? { attachments: 0, boundaries: 0 } }))
          .filter(({ usage: u }) => {
            // PolicyUsageFilter=PermissionsBoundary: only policies some entity uses as its boundary;
            // OnlyAttached: only policies "attached to an IAM user, group, or role".
            if (input.PolicyUsageFilter === 'PermissionsBoundary') return u.boundaries > 0;
            return input.OnlyAttached !== true || u.attachments > 0;
          });
      });
      const page = pageArray(all, input);
      return { Policies: page.items.map(({ view, usage }) => listed(view, usage)), IsTruncated: page.IsTruncated, Marker: page.Marker };
    },

    DeletePolicy: async (input, ctx) => {
      const arn = required(input.PolicyArn, 'PolicyArn');
      const scope = globalScope(ctx);
      await store.write(async (tx) => {
        const view = await requirePolicy(tx, scope, arn);
        if (!view.local) throw notYourPolicy(ctx.principal, 'DeletePolicy', arn);
        const usage = await policyUsage(tx, scope, arn);
        // verified: serverless/components#312; a boundary use blocks it too (gruntwork-io/cloud-nuke#972).
        if (usage.attachments + usage.boundaries > 0) throw new DeleteConflictException('Cannot delete a policy attached to entities.');
        const key = entityKey(view.policyName);
        const versions = await tx.list('iam.policy-version', scope, { parent: key });
        if (versions.length > 1) {
          // verified: rebuy-de/aws-nuke#1.
          throw new DeleteConflictException('This policy has more than one version. Before you delete a policy, you must delete the policy\'s versions. The default version is deleted with the policy.');
        }
        for (const v of versions) await tx.delete('iam.policy-version', scope, v.id);
        await tx.delete('iam.policy', scope, key);
      });
      return {};
    },
  };
}
