// The store's contract: the single source of truth. Resources are typed documents kept per
// kind and scope (account + region); every write is one transaction, reads see whole writes only.
import type { LogEventStore } from './log-events.ts';

/** Where a resource lives. Global services (IAM) use region ''; account-less data uses account ''. */
export interface Scope {
  account: string;
  region: string;
}

/**
 * Every kind of resource the store keeps, mapped to its body type. Each service declares its own
 * kinds by augmenting this interface (`declare module '../../store/store.ts'`), so no central
 * list has to change when a service is added.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ResourceKinds {}

export type Kind = Extract<keyof ResourceKinds, string>;

export interface StoredResource<T> {
  id: string;
  /** A secondary key the kind chooses (a family, a role name); '' when unused. */
  name: string;
  /** The owner (a cluster ARN, a VPC id, a role name); '' when unused. */
  parent: string;
  /** A short status the kind chooses (ACTIVE, INACTIVE…) for listings to filter on; '' when unused. */
  state: string;
  /** Insertion order, stable across updates: what pagination walks. */
  seq: number;
  body: T;
}

export interface ListQuery {
  parent?: string;
  name?: string;
  state?: string;
  namePrefix?: string;
  /** `seq` (default): insertion order. `name`: by name, then insertion order within a name. */
  order?: 'seq' | 'name';
  /** Only resources after this seq in seq order (a pagination cursor). */
  afterSeq?: number;
  /** In name order: only resources after this (name, seq) position (a pagination cursor). */
  after?: { name: string; seq: number };
  limit?: number;
  /** Reverse the order. */
  descending?: boolean;
}

export interface PutResource<T> {
  id: string;
  name?: string;
  parent?: string;
  state?: string;
  body: T;
}

export interface StoreTx {
  get<K extends Kind>(kind: K, scope: Scope, id: string): Promise<ResourceKinds[K] | undefined>;
  list<K extends Kind>(kind: K, scope: Scope, query?: ListQuery): Promise<StoredResource<ResourceKinds[K]>[]>;
  count<K extends Kind>(kind: K, scope: Scope, query?: ListQuery): Promise<number>;
  /** Inserts or replaces; an update keeps the resource's seq. */
  put<K extends Kind>(kind: K, scope: Scope, resource: PutResource<ResourceKinds[K]>): Promise<void>;
  delete<K extends Kind>(kind: K, scope: Scope, id: string): Promise<boolean>;
  /** The next value of a named counter (1, 2, 3…), e.g. a task definition family's revisions. */
  nextValue(counter: string): Promise<number>;
  /** CloudWatch Logs events, in this same transaction (their own table; see log-events.ts). */
  logEvents(): LogEventStore;
}

export interface Store {
  /** Runs `fn` against a consistent view; it must not write. */
  read<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Runs `fn` in one transaction: all of its writes land, durably, or none do. */
  write<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** What the health endpoint reports. */
  describe(): { engine: string; location: string };
  close(): Promise<void>;
}
