// Service events: the messages DescribeServices shows newest first (at most 100), in AWS's exact words
// (ecs-behaviour.md §2). Written by the service scheduler and by the task runner (target registration and
// draining of service tasks). Kept as their own records so that an event never rewrites its service.
import type { ServiceEvent } from '@aws-sdk/client-ecs';
import type { Scope, StoreTx } from '../../store/store.ts';

export interface ServiceEventRecord {
  event: ServiceEvent;
}

declare module '../../store/store.ts' {
  interface ResourceKinds {
    /** id = event id (a UUID), parent = service ARN, name = the message (for duplicate suppression). */
    'ecs.service-event': ServiceEventRecord;
  }
}

/** DescribeServices returns at most this many events. */
export const MAX_SERVICE_EVENTS = 100;

/** ECS suppresses a repeated message for this long unless its cause cleared (ecs-behaviour.md §2). */
export const DUPLICATE_EVENT_WINDOW_MS = 6 * 60 * 60_000;

export interface NewServiceEvent {
  serviceArn: string;
  message: string;
  now: Date;
  /** A fresh UUID (IdSource.uuid()). */
  id: string;
  /**
   * An event about an action that happened again (a second task registered in the same target group), not a
   * state that still holds: never suppressed as a duplicate.
   */
  repeatable?: boolean;
}

/**
 * Appends an event to a service unless it states what the newest event already says, within the duplicate
 * window (AWS suppresses a duplicate until its cause clears, i.e. until another message came in between).
 * Keeps only the newest MAX_SERVICE_EVENTS.
 */
export async function appendServiceEvent(tx: StoreTx, scope: Scope, event: NewServiceEvent): Promise<void> {
  const { serviceArn, message, now, id } = event;
  const newest = await tx.list('ecs.service-event', scope, { parent: serviceArn, descending: true, limit: MAX_SERVICE_EVENTS + 1 });
  const last = newest[0]?.body.event;
  const duplicate = last?.message === message && last.createdAt !== undefined && now.getTime() - new Date(last.createdAt).getTime() < DUPLICATE_EVENT_WINDOW_MS;
  if (duplicate && event.repeatable !== true) return;
  await tx.put('ecs.service-event', scope, { id, parent: serviceArn, name: message.slice(0, 200), body: { event: { id, createdAt: now, message } } });
  for (const old of newest.slice(MAX_SERVICE_EVENTS - 1)) await tx.delete('ecs.service-event', scope, old.id);
}

/** The newest events first, as DescribeServices answers them. */
export async function serviceEvents(tx: StoreTx, scope: Scope, serviceArn: string): Promise<ServiceEvent[]> {
  const rows = await tx.list('ecs.service-event', scope, { parent: serviceArn, descending: true, limit: MAX_SERVICE_EVENTS });
  return rows.map((row) => row.body.event);
}
