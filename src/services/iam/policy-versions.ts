// Versions of managed policies: Create/Get/List/Delete PolicyVersion and SetDefaultPolicyVersion.
//
// Facts (IAM User Guide, "Versioning IAM policies"; IAM API reference): a managed policy keeps at
// most five versions; the default version is the one in effect and cannot be deleted; version
// ids are v1, v2, … and are not reused; GetPolicyVersion returns the document URL-encoded; a
// policy's UpdateDate is when its most recent version was created. For an AWS managed policy
// Berth knows only the default version (aws-managed-policies.ts).
import type {
  CreatePolicyVersionRequest, CreatePolicyVersionResponse, DeletePolicyVersionRequest, GetPolicyVersionRequest,
  GetPolicyVersionResponse, ListPolicyVersionsRequest, ListPolicyVersionsResponse, PolicyVersion, SetDefaultPolicyVersionRequest,
} from '@aws-sdk/client-iam';
import type { ServiceOperations } from '../../aws/service.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { globalScope } from '../common/scope.ts';
import { encodePolicyDocument } from './documents.ts';
import { DeleteConflictException, LimitExceededException, NoSuchEntityException } from './errors.ts';
import { notYourPolicy, readManagedPolicyText } from './managed-policies.ts';
import { iamPageOf, pageArray } from './paging.ts';
import { requirePolicy, type PolicyView } from './policy-lookup.ts';
import { entityKey, type ManagedPolicyRecord, type PolicyVersionRecord } from './records.ts';
import type { Empty } from './responses.ts';
import { required } from './validation.ts';

export const MAX_POLICY_VERSIONS = 5;

/** unverified wording, moto's (no IAM answer quoting it was found). */
function noSuchVersion(arn: string, versionId: string): NoSuchEntityException {
  return new NoSuchEntityException(`Policy ${arn} version ${versionId} does not exist or is not attachable.`);
}

function versionKey(policy: ManagedPolicyRecord, versionId: string): string {
  return `${entityKey(policy.policyName)}/${versionId}`;
}

async function requireVersion(tx: StoreTx, scope: Scope, policy: ManagedPolicyRecord, versionId: string): Promise<PolicyVersionRecord> {
  const version = await tx.get('iam.policy-version', scope, versionKey(policy, versionId));
  if (!version) throw noSuchVersion(policy.arn, versionId);
  return version;
}

/** The one version Berth knows of an AWS managed policy: its default, dated by the policy's UpdateDate. */
function awsDefaultVersion(view: PolicyView): PolicyVersionRecord {
  return { versionId: view.defaultVersionId, document: view.aws?.documentText ?? '', createDate: view.updateDate };
}

function versionOutput(version: PolicyVersionRecord, defaultVersionId: string, withDocument: boolean): PolicyVersion {
  return {
    Document: withDocument ? encodePolicyDocument(version.document) : undefined,
    VersionId: version.versionId,
    IsDefaultVersion: version.versionId === defaultVersionId,
    CreateDate: version.createDate,
  };
}

export function policyVersionOperations(deps: ServiceDeps): ServiceOperations<{
  CreatePolicyVersion: [CreatePolicyVersionRequest, CreatePolicyVersionResponse];
  GetPolicyVersion: [GetPolicyVersionRequest, GetPolicyVersionResponse];
  ListPolicyVersions: [ListPolicyVersionsRequest, ListPolicyVersionsResponse];
  DeletePolicyVersion: [DeletePolicyVersionRequest, Empty];
  SetDefaultPolicyVersion: [SetDefaultPolicyVersionRequest, Empty];
}> {
  const { store } = deps;
  return {
    CreatePolicyVersion: async (input, ctx) => {
      const arn = required(input.PolicyArn, 'PolicyArn');
      const text = readManagedPolicyText(required(input.PolicyDocument, 'PolicyDocument'));
      const scope = globalScope(ctx);
      return store.write(async (tx) => {
        const view = await requirePolicy(tx, scope, arn);
        const policy = view.local;
        if (!policy) throw notYourPolicy(ctx.principal, 'CreatePolicyVersion', arn);
        const key = entityKey(policy.policyName);
        if ((await tx.count('iam.policy-version', scope, { parent: key })) >= MAX_POLICY_VERSIONS) {
          // verified: 99designs/iamy#21.
          throw new LimitExceededException('A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.');
        }
        const version: PolicyVersionRecord = { versionId: `v${policy.nextVersion}`, document: text, createDate: ctx.now };
        policy.nextVersion += 1;
        policy.updateDate = ctx.now;
        if (input.SetAsDefault === true) policy.defaultVersionId = version.versionId;
        await tx.put('iam.policy-version', scope, { id: versionKey(policy, version.versionId), parent: key, body: version });
        await tx.put('iam.policy', scope, { id: key, name: policy.path, body: policy });
        return { PolicyVersion: versionOutput(version, policy.defaultVersionId, false) };
      });
    },

    GetPolicyVersion: async (input, ctx) => {
      const arn = required(input.PolicyArn, 'PolicyArn');
      const versionId = required(input.VersionId, 'VersionId');
      const scope = globalScope(ctx);
      return store.read(async (tx) => {
        const view = await requirePolicy(tx, scope, arn);
        let version: PolicyVersionRecord;
        if (view.local) version = await requireVersion(tx, scope, view.local, versionId);
        else if (versionId === view.defaultVersionId) version = awsDefaultVersion(view);
        else throw noSuchVersion(arn, versionId);
        return { PolicyVersion: versionOutput(version, view.defaultVersionId, true) };
      });
    },

    ListPolicyVersions: async (input, ctx) => {
      const arn = required(input.PolicyArn, 'PolicyArn');
      const scope = globalScope(ctx);
      return store.read(async (tx) => {
        const view = await requirePolicy(tx, scope, arn);
        if (!view.local) {
          const page = pageArray([awsDefaultVersion(view)], input);
          return { Versions: page.items.map((v) => versionOutput(v, view.defaultVersionId, false)), IsTruncated: page.IsTruncated, Marker: page.Marker };
        }
        // Newest first, as the API reference's list-policy-versions example shows them.
        const page = await iamPageOf(tx, 'iam.policy-version', scope, { parent: entityKey(view.policyName), descending: true }, input);
        return { Versions: page.items.map((r) => versionOutput(r.body, view.defaultVersionId, false)), IsTruncated: page.IsTruncated, Marker: page.Marker };
      });
    },

    DeletePolicyVersion: async (input, ctx) => {
      const arn = required(input.PolicyArn, 'PolicyArn');
      const versionId = required(input.VersionId, 'VersionId');
      const scope = globalScope(ctx);
      await store.write(async (tx) => {
        const view = await requirePolicy(tx, scope, arn);
        const policy = view.local;
        if (!policy) throw notYourPolicy(ctx.principal, 'DeletePolicyVersion', arn);
        await requireVersion(tx, scope, policy, versionId);
        // verified: redradrat/aws-iam-operator#13.
        if (versionId === policy.defaultVersionId) throw new DeleteConflictException('Cannot delete the default version of a policy.');
        await tx.delete('iam.policy-version', scope, versionKey(policy, versionId));
      });
      return {};
    },

    SetDefaultPolicyVersion: async (input, ctx) => {
      const arn = required(input.PolicyArn, 'PolicyArn');
      const versionId = required(input.VersionId, 'VersionId');
      const scope = globalScope(ctx);
      await store.write(async (tx) => {
        const view = await requirePolicy(tx, scope, arn);
        const policy = view.local;
        if (!policy) throw notYourPolicy(ctx.principal, 'SetDefaultPolicyVersion', arn);
        await requireVersion(tx, scope, policy, versionId);
        policy.defaultVersionId = versionId;
        await tx.put('iam.policy', scope, { id: entityKey(policy.policyName), name: policy.path, body: policy });
      });
      return {};
    },
  };
}
