// What the security-group controller reads from the store: for each task whose namespace exists on this
// host, its ENI's groups, those groups' rules, and every interface of its VPC (group peers resolve to them).
import type { NetworkInterfaceRecord, SecurityGroupRuleRecord } from '../../services/ec2/records.ts';
import type { TaskRecord } from '../../services/ecs/task-records.ts';
import type { Scope, Store, StoreTx } from '../../store/store.ts';
import type { PeerInterface, TaskGroups } from './ruleset.ts';

/**
 * The groups of each task in `taskIds` that the store knows and that has not stopped, looked up in every
 * scope. A task found nowhere (another Berth's, or removed) is left out: its namespace is not Berth's to police.
 */
export async function readTaskGroups(store: Store, scopes: readonly Scope[], taskIds: readonly string[]): Promise<Map<string, TaskGroups>> {
  if (taskIds.length === 0) return new Map();
  return store.read(async (tx) => {
    const found = new Map<string, TaskGroups>();
    for (const scope of scopes) {
      const tasks: { taskId: string; record: TaskRecord }[] = [];
      for (const taskId of taskIds) {
        if (found.has(taskId)) continue;
        const record = await tx.get('ecs.task', scope, taskId);
        if (record && record.task.lastStatus !== 'STOPPED') tasks.push({ taskId, record });
      }
      if (tasks.length === 0) continue;
      const cache = new ScopeCache(tx, scope);
      for (const { taskId, record } of tasks) {
        const eni = await tx.get('ec2.network-interface', scope, record.network.networkInterfaceId);
        // The ENI's groups are the live ones; the task record keeps the groups it was launched with.
        const groupIds = eni?.Groups?.map((group) => group.GroupId ?? '').filter((id) => id !== '') ?? record.network.securityGroupIds;
        const rules: SecurityGroupRuleRecord[] = [];
        for (const groupId of new Set(groupIds)) rules.push(...await cache.rulesOf(groupId));
        const { network } = record;
        const internet = network.assignPublicIp ? { hostAddress: network.gatewayIp, vpcBlocks: network.vpcCidrBlocks } : undefined;
        found.set(taskId, { groupIds, rules, interfaces: await cache.interfacesOf(network.vpcId), ...(internet ? { internet } : {}) });
      }
    }
    return found;
  });
}

/** Rules and interfaces read once per pass and scope, shared by the tasks of a VPC. */
class ScopeCache {
  #tx: StoreTx;
  #scope: Scope;
  #rules = new Map<string, SecurityGroupRuleRecord[]>();
  #interfaces = new Map<string, PeerInterface[]>();

  constructor(tx: StoreTx, scope: Scope) {
    this.#tx = tx;
    this.#scope = scope;
  }

  async rulesOf(groupId: string): Promise<SecurityGroupRuleRecord[]> {
    let rules = this.#rules.get(groupId);
    if (!rules) {
      rules = (await this.#tx.list('ec2.security-group-rule', this.#scope, { parent: groupId })).map((row) => row.body);
      this.#rules.set(groupId, rules);
    }
    return rules;
  }

  async interfacesOf(vpcId: string): Promise<PeerInterface[]> {
    let interfaces = this.#interfaces.get(vpcId);
    if (!interfaces) {
      // Network interfaces are indexed by VPC id (records.ts putNetworkInterface: name = VPC id).
      interfaces = (await this.#tx.list('ec2.network-interface', this.#scope, { name: vpcId })).map((row) => peerOf(row.body));
      this.#interfaces.set(vpcId, interfaces);
    }
    return interfaces;
  }
}

function peerOf(eni: NetworkInterfaceRecord): PeerInterface {
  const addresses = new Set([eni.PrivateIpAddress]);
  for (const entry of eni.PrivateIpAddresses ?? []) if (entry.PrivateIpAddress) addresses.add(entry.PrivateIpAddress);
  return { groupIds: (eni.Groups ?? []).map((group) => group.GroupId ?? ''), addresses: [...addresses] };
}
