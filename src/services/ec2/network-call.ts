// How every EC2 operation reaches the store: one read or one write transaction in the caller's account and
// region, the region's default network made on first use inside that same transaction, and DryRun.
import type { RequestContext } from '../../aws/context.ts';
import type { IdSource } from '../../platform/ids.ts';
import type { Scope, Store, StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import { ensureDefaultNetwork, hasNetworkScope } from './default-network.ts';
import { ec2IdGenerator, type Ec2IdGenerator } from './ids.ts';
import { dryRunOperation } from './request-errors.ts';

/** What the EC2 operations are built with. */
export interface Ec2Env {
  readonly store: Store;
  readonly ids: IdSource;
  readonly newId: Ec2IdGenerator;
}

export function ec2Env(deps: ServiceDeps): Ec2Env {
  return { store: deps.store, ids: deps.ids, newId: ec2IdGenerator((size) => deps.ids.bytes(size)) };
}

/** One operation's view of the store: its transaction, scope, ids and the ARNs of its resources. */
export interface NetworkCall {
  readonly tx: StoreTx;
  readonly scope: Scope;
  readonly ctx: RequestContext;
  readonly accountId: string;
  readonly newId: Ec2IdGenerator;
  readonly ids: IdSource;
  /** `arn:aws:ec2:<region>:<account>:<resourceType>/<id>`, e.g. `subnet/subnet-0a1b…`. */
  arn(resourceType: string, id: string): string;
}

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function networkCall(env: Ec2Env, ctx: RequestContext, tx: StoreTx): NetworkCall {
  const scope = regionalScope(ctx);
  const accountId = ctx.principal.accountId;
  const prefix = `arn:${partitionOf(ctx.region)}:ec2:${ctx.region}:${accountId}`;
  return { tx, scope, ctx, accountId, newId: env.newId, ids: env.ids, arn: (type, id) => `${prefix}:${type}/${id}` };
}

/**
 * Runs a write: the default network first if the region has none yet, then `fn`, all in one transaction.
 * With DryRun the operation runs to its end (every check AWS would make) and then DryRunOperation is
 * thrown, which rolls the whole transaction back.
 */
export async function writeNetwork<T>(env: Ec2Env, ctx: RequestContext, dryRun: boolean | undefined,
  fn: (call: NetworkCall) => Promise<T>): Promise<T> {
  return env.store.write(async (tx) => {
    const call = networkCall(env, ctx, tx);
    await ensureDefaultNetwork(call);
    const result = await fn(call);
    if (dryRun === true) throw dryRunOperation();
    return result;
  });
}

/**
 * Runs a read. The first EC2 call of a region is served as a write, because it creates the region's
 * default network (AWS accounts come with one; Berth makes it on first use).
 */
export async function readNetwork<T>(env: Ec2Env, ctx: RequestContext, dryRun: boolean | undefined,
  fn: (call: NetworkCall) => Promise<T>): Promise<T> {
  const served = await env.store.read(async (tx) => {
    const call = networkCall(env, ctx, tx);
    if (!(await hasNetworkScope(call))) return undefined;
    return { result: await fn(call) };
  });
  if (served === undefined) return writeNetwork(env, ctx, dryRun, fn);
  if (dryRun === true) throw dryRunOperation();
  return served.result;
}
