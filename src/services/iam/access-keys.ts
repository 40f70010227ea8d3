// Long-term access keys of IAM users (and of the account root): create, list, activate or
// deactivate, delete, last use. Each key is also recorded in the issued-key index
// (issued-credentials.ts), which the authenticator consults, so a key signs requests as its user
// from the moment it is created until it is made Inactive or deleted.
//
// Facts (IAM User Guide, "Manage access keys for IAM users"; IAM API reference): a user has at
// most two access keys, active or inactive — LimitExceeded "Cannot exceed quota for
// AccessKeysPerUser: 2" (verified: simonw/s3-credentials#64, bartekj/aws-tools#29); new keys are
// Active; the secret is returned only by CreateAccessKey; without UserName the operations act on
// the caller (the root's own keys for the root); an unknown key is NoSuchEntity "The Access Key
// with id X cannot be found." (wording quoted in sixtyfour's documentation of paws; moto agrees).
import type {
  AccessKeyMetadata, CreateAccessKeyRequest, CreateAccessKeyResponse, DeleteAccessKeyRequest, GetAccessKeyLastUsedRequest,
  GetAccessKeyLastUsedResponse, ListAccessKeysRequest, ListAccessKeysResponse, UpdateAccessKeyRequest,
} from '@aws-sdk/client-iam';
import type { Principal, RequestContext } from '../../aws/context.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { globalScope } from '../common/scope.ts';
import { rootArn } from './arns.ts';
import { LimitExceededException, NoSuchEntityException, ValidationError } from './errors.ts';
import { newAccessKeyId, newSecretAccessKey } from './ids.ts';
import { forgetIssuedKey, recordIssuedKey, setIssuedKeyStatus } from './issued-credentials.ts';
import { iamPageOf } from './paging.ts';
import { ownerKey, requireUser, ROOT_OWNER, type AccessKeyRecord } from './records.ts';
import type { Empty } from './responses.ts';
import { callerUserName } from './users.ts';
import { required } from './validation.ts';

export const MAX_ACCESS_KEYS_PER_USER = 2;

/** Whose keys an operation is about: a user (by its stored spelling) or the account root. */
interface KeyOwner {
  owner: string;
  userName: string | undefined;
  principal: (accessKeyId: string) => Principal;
}

async function resolveOwner(tx: StoreTx, scope: Scope, ctx: RequestContext, userName: string | undefined): Promise<KeyOwner> {
  const name = userName ?? callerUserName(ctx);
  if (userName === undefined && name === ROOT_OWNER) {
    return {
      owner: ROOT_OWNER,
      userName: undefined,
      principal: (accessKeyId) => ({ accountId: scope.account, arn: rootArn(scope.account), userId: scope.account, accessKeyId, kind: 'root' }),
    };
  }
  const user = await requireUser(tx, scope, name);
  return {
    owner: ownerKey('user', user.userName),
    userName: user.userName,
    principal: (accessKeyId) => ({ accountId: scope.account, arn: user.arn, userId: user.userId, accessKeyId, kind: 'user' }),
  };
}

function noSuchKey(accessKeyId: string): NoSuchEntityException {
  return new NoSuchEntityException(`The Access Key with id ${accessKeyId} cannot be found.`);
}

/** The key, if it belongs to `owner`. */
async function requireKey(tx: StoreTx, scope: Scope, owner: string, accessKeyId: string): Promise<AccessKeyRecord> {
  const rows = await tx.list('iam.access-key', scope, { parent: owner });
  const row = rows.find((r) => r.id === accessKeyId);
  if (!row) throw noSuchKey(accessKeyId);
  return row.body;
}

function metadata(key: AccessKeyRecord): AccessKeyMetadata {
  return { UserName: key.userName, AccessKeyId: key.accessKeyId, Status: key.status, CreateDate: key.createDate };
}

export function accessKeyOperations(deps: ServiceDeps): ServiceOperations<{
  CreateAccessKey: [CreateAccessKeyRequest, CreateAccessKeyResponse];
  ListAccessKeys: [ListAccessKeysRequest, ListAccessKeysResponse];
  UpdateAccessKey: [UpdateAccessKeyRequest, Empty];
  DeleteAccessKey: [DeleteAccessKeyRequest, Empty];
  GetAccessKeyLastUsed: [GetAccessKeyLastUsedRequest, GetAccessKeyLastUsedResponse];
}> {
  const { store, ids } = deps;
  const random = (n: number): Buffer => ids.bytes(n);
  return {
    CreateAccessKey: async (input, ctx) => {
      const scope = globalScope(ctx);
      return store.write(async (tx) => {
        const owner = await resolveOwner(tx, scope, ctx, input.UserName);
        if ((await tx.count('iam.access-key', scope, { parent: owner.owner })) >= MAX_ACCESS_KEYS_PER_USER) {
          throw new LimitExceededException(`Cannot exceed quota for AccessKeysPerUser: ${MAX_ACCESS_KEYS_PER_USER}`);
        }
        const accessKeyId = newAccessKeyId(random);
        const secretAccessKey = newSecretAccessKey(random);
        const key: AccessKeyRecord = { accessKeyId, status: 'Active', createDate: ctx.now };
        if (owner.userName !== undefined) key.userName = owner.userName;
        await tx.put('iam.access-key', scope, { id: accessKeyId, parent: owner.owner, body: key });
        await recordIssuedKey(tx, { accessKeyId, secretAccessKey, principal: owner.principal(accessKeyId), status: 'Active', createdAt: ctx.now });
        return { AccessKey: { UserName: key.userName, AccessKeyId: accessKeyId, Status: 'Active', SecretAccessKey: secretAccessKey, CreateDate: ctx.now } };
      });
    },

    ListAccessKeys: async (input, ctx) => {
      const scope = globalScope(ctx);
      const page = await store.read(async (tx) => {
        const owner = await resolveOwner(tx, scope, ctx, input.UserName);
        return iamPageOf(tx, 'iam.access-key', scope, { parent: owner.owner }, input);
      });
      return { AccessKeyMetadata: page.items.map((r) => metadata(r.body)), IsTruncated: page.IsTruncated, Marker: page.Marker };
    },

    UpdateAccessKey: async (input, ctx) => {
      const accessKeyId = required(input.AccessKeyId, 'AccessKeyId');
      const status = required(input.Status, 'Status');
      // statusType also lists Expired, which only IAM itself sets. unverified wording: Berth's.
      if (status !== 'Active' && status !== 'Inactive') throw new ValidationError(`Status ${status} is not valid: use Active or Inactive.`);
      const scope = globalScope(ctx);
      await store.write(async (tx) => {
        const owner = await resolveOwner(tx, scope, ctx, input.UserName);
        const key = await requireKey(tx, scope, owner.owner, accessKeyId);
        key.status = status;
        await tx.put('iam.access-key', scope, { id: accessKeyId, parent: owner.owner, body: key });
        await setIssuedKeyStatus(tx, accessKeyId, status);
      });
      return {};
    },

    DeleteAccessKey: async (input, ctx) => {
      const accessKeyId = required(input.AccessKeyId, 'AccessKeyId');
      const scope = globalScope(ctx);
      await store.write(async (tx) => {
        const owner = await resolveOwner(tx, scope, ctx, input.UserName);
        await requireKey(tx, scope, owner.owner, accessKeyId);
        await tx.delete('iam.access-key', scope, accessKeyId);
        await forgetIssuedKey(tx, accessKeyId);
      });
      return {};
    },

    GetAccessKeyLastUsed: async (input, ctx) => {
      const accessKeyId = required(input.AccessKeyId, 'AccessKeyId');
      const key = await store.read((tx) => tx.get('iam.access-key', globalScope(ctx), accessKeyId));
      if (!key) throw noSuchKey(accessKeyId);
      // Berth does not record key use: "N/A" is IAM's answer for a key never used (IAM API reference, AccessKeyLastUsed).
      return { UserName: key.userName, AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' } };
    },
  };
}
