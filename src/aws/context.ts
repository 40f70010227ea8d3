// What every operation knows about the request it serves: who calls, in which account and region.

/** The caller as authentication resolved it. */
export interface Principal {
  accountId: string;
  /** ARN GetCallerIdentity returns: `arn:aws:iam::123456789012:root`, `…:user/alice`, `arn:aws:sts::…:assumed-role/R/S`. */
  arn: string;
  /** GetCallerIdentity's UserId: the account id for root, AIDA… for users, AROA…:session for roles. */
  userId: string;
  accessKeyId: string;
  kind: 'root' | 'user' | 'assumed-role';
  /** Set for assumed-role principals: the role's ARN (arn:aws:iam::acct:role/path/name). */
  roleArn?: string;
}

export interface RequestContext {
  requestId: string;
  /** From the SigV4 credential scope; `us-east-1` when the request carries none. */
  region: string;
  principal: Principal;
  /** The time this request is served at (injected clock). */
  now: Date;
}

/** An operation handler: typed with the official SDK's request/response shapes. */
export type Operation<I, O> = (input: I, ctx: RequestContext) => Promise<O>;

/** A service's operations by AWS's operation name (`CreateCluster`). */
export type OperationTable = Record<string, Operation<never, unknown>>;
