// A network load balancer's TCP (or TLS-terminating) listener: each client connection goes, whole, to one
// available target of the listener's forward group and bytes flow both ways; no target, or none reachable,
// closes the client's connection (there is no HTTP to answer in). The connection counts against the target
// until it closes, so draining waits for it.
import { connect, type Socket } from 'node:net';
import { outcomeOf, pickWeighted } from './actions.ts';
import type { TargetPool } from './pool.ts';
import type { PlaneListener } from './plane.ts';

export interface TcpRoute {
  loadBalancerArn: string;
  listener: Pick<PlaneListener, 'arn' | 'defaultActions'>;
  idleTimeoutMs: number;
}

export function proxyTcp(client: Socket, route: TcpRoute, pools: (arn: string) => TargetPool | undefined, random: () => number): void {
  client.on('error', () => client.destroy());
  const outcome = outcomeOf(route.listener.defaultActions);
  const group = outcome.kind === 'forward' ? pickWeighted(outcome.groups, random()) : undefined;
  const pool = group === undefined ? undefined : pools(group.arn);
  const choice = pool?.choose(new Map(), false);
  if (!pool || choice?.kind !== 'target') {
    client.destroy();
    return;
  }
  const { target } = choice;
  const upstream = connect({ host: target.address, port: target.port, ...(target.sourceAddress !== undefined ? { localAddress: target.sourceAddress } : {}) });
  const release = pool.track(target, () => { upstream.destroy(); client.destroy(); }, true);
  upstream.once('connect', () => {
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.setTimeout(route.idleTimeoutMs, () => upstream.destroy());
  upstream.on('error', () => client.destroy());
  upstream.on('close', () => {
    client.destroy();
    release();
  });
  client.on('close', () => {
    upstream.destroy();
    release();
  });
}
