// A task's ruleset as the nftables script that installs it: one `inet berth` table in the task's own network
// namespace, replaced whole in one transaction so a packet sees the old table or the new one, never half.
import { TASK_ENDPOINT_ADDRESS } from '../task-endpoint-address.ts';
import { createHash } from 'node:crypto';
import { EMPTY_RULESET, formatRange, type CompiledRule, type TaskRuleset, type TrafficMatch } from './ruleset.ts';

/** The table Berth owns in every task namespace (family inet: IPv6 is dropped by the same policy). */
export const TABLE_FAMILY = 'inet';
export const TABLE_NAME = 'berth';

/** `tcp dport 80`, `icmp type 8 icmp code 0`, `meta l4proto 50`, or '' for all traffic. */
function matchText(match: TrafficMatch): string {
  switch (match.protocol) {
    case 'all': return '';
    case 'tcp':
    case 'udp': {
      const ports = match.fromPort === match.toPort ? `${match.fromPort}` : `${match.fromPort}-${match.toPort}`;
      return ` ${match.protocol} dport ${ports}`;
    }
    case 'icmp':
      if (match.type === undefined) return ' meta l4proto icmp';
      return ` icmp type ${match.type}${match.code !== undefined ? ` icmp code ${match.code}` : ''}`;
    case 'number': return ` meta l4proto ${match.number}`;
  }
}

/** The sets and rules of one direction; the set names carry the direction and the rule's position. */
function directionParts(rules: readonly CompiledRule[], direction: 'in' | 'out'): { sets: string[]; rules: string[] } {
  const address = direction === 'in' ? 'saddr' : 'daddr';
  const sets: string[] = [];
  const lines: string[] = [];
  rules.forEach((rule, index) => {
    const set = `${direction}${index}`;
    sets.push(`  set ${set} {\n    type ipv4_addr; flags interval;\n    elements = { ${rule.peers.map(formatRange).join(', ')} }\n  }`);
    lines.push(`    ip ${address} @${set}${matchText(rule.match)} accept`);
  });
  return { sets, rules: lines };
}

/**
 * The whole table for a ruleset. Conntrack makes groups stateful as AWS's are ("responses to allowed inbound
 * traffic are allowed to flow out, regardless of outbound rules", Amazon VPC User Guide, "Security groups"):
 * established and related packets (which include ICMP errors about a flow) pass both ways; loopback too, so
 * a task's containers always reach each other, and the task endpoints at 169.254.170.2 are always reachable. Everything else needs a rule; the chains' policy drops it.
 *
 * `add table` then `delete table` makes the delete valid whether or not the table exists; the new table
 * follows in the same script, and nft commits the script as one transaction.
 */
export function tableScript(ruleset: TaskRuleset, endpointPort?: number): string {
  const inbound = directionParts(ruleset.ingress, 'in');
  const outbound = directionParts(ruleset.egress, 'out');
  return [
    `add table ${TABLE_FAMILY} ${TABLE_NAME}`,
    `delete table ${TABLE_FAMILY} ${TABLE_NAME}`,
    `table ${TABLE_FAMILY} ${TABLE_NAME} {`,
    ...inbound.sets,
    ...outbound.sets,
    '  chain input {',
    '    type filter hook input priority filter; policy drop;',
    '    ct state established,related accept',
    '    iif "lo" accept',
    ...inbound.rules,
    '  }',
    '  chain output {',
    '    type filter hook output priority filter; policy drop;',
    '    ct state established,related accept',
    '    oif "lo" accept',
    // ECS's task endpoints (metadata, credentials) are reached whatever the task's security groups say, as on
    // Fargate, where that traffic never crosses the task's ENI.
    `    ip daddr ${TASK_ENDPOINT_ADDRESS} accept`,
    ...outbound.rules,
    '  }',
    ...endpointChain(endpointPort),
    '}',
    '',
  ].join('\n');
}

/**
 * ECS's task endpoints are at 169.254.170.2:80 (the AWS SDKs resolve AWS_CONTAINER_CREDENTIALS_RELATIVE_URI there);
 * Berth serves them on that address at a port of its own, so that several Berths can share a host, and each task
 * namespace translates port 80 to it (nat output runs before the filter chains, which then see the new port).
 */
function endpointChain(port: number | undefined): string[] {
  if (port === undefined || port === 80) return [];
  return [
    '  chain endpoints {',
    '    type nat hook output priority -100; policy accept;',
    `    ip daddr ${TASK_ENDPOINT_ADDRESS} tcp dport 80 dnat ip to ${TASK_ENDPOINT_ADDRESS}:${port}`,
    '  }',
  ];
}

/** The table a namespace gets the moment it exists: nothing in or out but loopback, until the rules are known. */
export function sealedScript(endpointPort?: number): string {
  return tableScript(EMPTY_RULESET, endpointPort);
}

/** What the controller remembers per task to apply only changes. */
export function scriptDigest(script: string): string {
  return createHash('sha256').update(script).digest('hex');
}
