// Where a request's resources live: regional services scope by account and region, global ones
// (IAM, STS's view of it) by account only.
import type { RequestContext } from '../../aws/context.ts';
import type { Scope } from '../../store/store.ts';

export function regionalScope(ctx: RequestContext): Scope {
  return { account: ctx.principal.accountId, region: ctx.region };
}

export function globalScope(ctx: RequestContext): Scope {
  return { account: ctx.principal.accountId, region: '' };
}

/** Data that belongs to no account, e.g. the index of issued access keys. */
export const SYSTEM_SCOPE: Scope = { account: '', region: '' };
