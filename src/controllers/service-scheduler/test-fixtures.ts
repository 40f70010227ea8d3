// Test fixtures for the scheduler's planner: a service record, tasks, and a small simulated cluster that
// applies plans and moves tasks on (PENDING → RUNNING, STOPPED once asked) as the task runner would.
import { deploymentRecord } from '../../services/ecs/deployments.ts';
import type { DeploymentSpec, ServiceRecord } from '../../services/ecs/service-records.ts';
import { DEFAULT_TIMINGS, type ObservedTask, type SchedulerTimings, type ServicePlan } from './model.ts';
import { planService } from './planner.ts';

export const TIMINGS: SchedulerTimings = { ...DEFAULT_TIMINGS, healthyAfterRunningMs: 20_000, launchBackoffBaseMs: 10_000 };
export const ZONES: Record<string, string> = { 'subnet-a': 'us-east-1a', 'subnet-b': 'us-east-1b', 'subnet-c': 'us-east-1c' };

export function spec(taskDefinition: string, subnets = ['subnet-a', 'subnet-b']): DeploymentSpec {
  return {
    taskDefinition, launchType: 'FARGATE', platformVersion: '1.4.0', loadBalancers: [],
    networkConfiguration: { awsvpcConfiguration: { subnets, securityGroups: [], assignPublicIp: 'DISABLED' } },
  };
}

export function serviceRecord(options: { desired: number; min?: number; max?: number; breaker?: { enable: boolean; rollback: boolean }; now: Date; id?: string }): ServiceRecord {
  const id = options.id ?? 'ecs-svc/1000000000000000001';
  return {
    service: {
      serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/default/web', serviceName: 'web',
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/default', desiredCount: options.desired, runningCount: 0, pendingCount: 0,
      taskDefinition: 'td:1',
      deploymentConfiguration: {
        maximumPercent: options.max ?? 200, minimumHealthyPercent: options.min ?? 100,
        deploymentCircuitBreaker: options.breaker ?? { enable: false, rollback: false },
      },
    },
    status: 'ACTIVE',
    deployments: [deploymentRecord(id, options.now, spec('td:1'), options.desired, `ECS deployment ${id} in progress.`)],
    pastDeployments: [],
    generation: 1,
    accountedTasks: [],
    startFailures: 0,
  };
}

/** Starts a new deployment on the record (UpdateService with a new task definition). */
export function deploy(record: ServiceRecord, id: string, taskDefinition: string, now: Date): ServiceRecord {
  const next = deploymentRecord(id, now, spec(taskDefinition), record.service.desiredCount ?? 0, `ECS deployment ${id} in progress.`);
  const older = record.deployments.map((d) => ({ ...d, deployment: { ...d.deployment, status: 'ACTIVE' } }));
  return { ...record, service: { ...record.service, taskDefinition }, deployments: [next, ...older], generation: record.generation + 1 };
}

export function task(id: string, deploymentId: string, fields: Partial<ObservedTask> = {}): ObservedTask {
  return {
    taskId: id, deploymentId, lastStatus: 'RUNNING', desiredStatus: 'RUNNING', availabilityZone: 'us-east-1a', subnetId: 'subnet-a',
    hasHealthCheck: false, targets: [], healthCheckGracePeriodSeconds: 0, ...fields,
  };
}

/** How a simulated task of a task definition behaves once it runs. */
export type Behaviour = 'healthy' | 'crash' | 'never-starts';

/** A simulated service: tasks move one step per tick, plans are applied as the applier would. */
export class Simulation {
  record: ServiceRecord;
  tasks: ObservedTask[] = [];
  now: Date;
  readonly events: string[] = [];
  #counter = 0;
  #behaviour: (taskDefinition: string) => Behaviour;

  constructor(record: ServiceRecord, now: Date, behaviour: (taskDefinition: string) => Behaviour = () => 'healthy') {
    this.record = record;
    this.now = now;
    this.#behaviour = behaviour;
  }

  /** Moves every task one step, then plans and applies; answers the plan. */
  step(ms = 10_000): ServicePlan {
    this.now = new Date(this.now.getTime() + ms);
    for (const t of this.tasks) {
      const td = this.record.deployments.concat(this.record.pastDeployments).find((d) => d.deployment.id === t.deploymentId)?.spec.taskDefinition ?? '';
      if (t.lastStatus === 'STOPPED') continue;
      if (t.desiredStatus === 'STOPPED') {
        t.lastStatus = 'STOPPED';
      } else if (t.lastStatus === 'PROVISIONING') {
        if (this.#behaviour(td) === 'never-starts') Object.assign(t, { lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopCode: 'TaskFailedToStart' });
        else Object.assign(t, { lastStatus: 'RUNNING', startedAt: this.now });
      } else if (t.lastStatus === 'RUNNING' && this.#behaviour(td) === 'crash') {
        Object.assign(t, { lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopCode: 'EssentialContainerExited' });
      }
    }
    const plan = planService({
      snapshot: { record: this.record, tasks: this.tasks.map((t) => ({ ...t })), subnetZones: ZONES },
      now: this.now, timings: TIMINGS, nextDeploymentId: `ecs-svc/2${String(++this.#counter).padStart(18, '0')}`,
    });
    this.apply(plan);
    return plan;
  }

  apply(plan: ServicePlan): void {
    for (const stop of plan.stops) {
      const t = this.tasks.find((x) => x.taskId === stop.taskId);
      if (t && t.desiredStatus !== 'STOPPED') Object.assign(t, { desiredStatus: 'STOPPED', stopCode: 'ServiceSchedulerInitiated' });
    }
    for (const launch of plan.launches) {
      for (const subnetId of launch.subnetIds) {
        this.tasks.push(task(`t${++this.#counter}`, launch.deploymentId, { lastStatus: 'PROVISIONING', subnetId, availabilityZone: ZONES[subnetId] ?? '' }));
      }
    }
    this.events.push(...plan.events);
    if (plan.record) this.record = { ...plan.record, generation: plan.record.generation + 1 };
  }

  live(): ObservedTask[] {
    return this.tasks.filter((t) => t.desiredStatus !== 'STOPPED' && t.lastStatus !== 'STOPPED');
  }
}
