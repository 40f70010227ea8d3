// ELBv2's ARNs, DNS names and hosted zones: how a load balancer, target group, listener and rule are named.
import { hexId, type IdSource } from '../../platform/ids.ts';
import type { Scope } from '../../store/store.ts';

export type LoadBalancerType = 'application' | 'network';

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function prefix(scope: Scope): string {
  return `arn:${partitionOf(scope.region)}:elasticloadbalancing:${scope.region}:${scope.account}`;
}

/** ELBv2 ids are 16 lowercase hex digits (`…/app/my-alb/50dc6c495c0c9188`). */
export function newElbId(ids: IdSource): string {
  return hexId(ids, 16);
}

/** `arn:aws:elasticloadbalancing:<region>:<acct>:loadbalancer/app/<name>/<id>` (`net/` for network). */
export function loadBalancerArn(scope: Scope, type: LoadBalancerType, name: string, id: string): string {
  return `${prefix(scope)}:loadbalancer/${type === 'application' ? 'app' : 'net'}/${name}/${id}`;
}

/** `arn:…:targetgroup/<name>/<id>`. */
export function targetGroupArn(scope: Scope, name: string, id: string): string {
  return `${prefix(scope)}:targetgroup/${name}/${id}`;
}

/** `arn:…:listener/app/<lb name>/<lb id>/<id>`: the load balancer's ARN with `listener/` in place of `loadbalancer/`. */
export function listenerArn(loadBalancerArnValue: string, id: string): string {
  return `${loadBalancerArnValue.replace(':loadbalancer/', ':listener/')}/${id}`;
}

/** `arn:…:listener-rule/app/<lb name>/<lb id>/<listener id>/<id>`. */
export function ruleArn(listenerArnValue: string, id: string): string {
  return `${listenerArnValue.replace(':listener/', ':listener-rule/')}/${id}`;
}

/** The id at the end of any ELBv2 ARN: what the store keys the resource by. */
export function idOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** `app/<name>/<id>` or `net/<name>/<id>`: what AWS writes into the load balancer's ENI description (`ELB app/…`). */
export function loadBalancerResourceName(arn: string): string {
  const at = arn.indexOf(':loadbalancer/');
  return at < 0 ? arn : arn.slice(at + ':loadbalancer/'.length);
}

/**
 * The DNS name: `<name>-<10 digits>.<region>.elb.localhost` (`internal-<name>-…` for internal ones).
 * AWS's is `<name>-<digits>.<region>.elb.amazonaws.com`; Berth's ends in `.localhost`, which curl and
 * browsers resolve to loopback (RFC 6761), where Berth's load balancer data plane listens.
 */
export function loadBalancerDnsName(name: string, scheme: string, region: string, ids: IdSource): string {
  const digits = [...ids.bytes(10)].map((byte) => String(byte % 10)).join('');
  const head = digits.startsWith('0') ? `1${digits.slice(1)}` : digits;
  return `${scheme === 'internal' ? 'internal-' : ''}${name}-${head}.${region}.elb.localhost`;
}

/**
 * The Route 53 hosted zone of load balancers per region (AWS General Reference, "Elastic Load Balancing
 * endpoints and quotas"; the same table terraform-provider-aws's aws_lb_hosted_zone_id keeps). Application
 * Load Balancers share the Classic ones' zones; Network Load Balancers have their own.
 */
const APPLICATION_ZONES: Record<string, string> = {
  'us-east-1': 'Z35SXDOTRQ7X7K', 'us-east-2': 'Z3AADJGX6KTTL2', 'us-west-1': 'Z368ELLRRE2KJ0', 'us-west-2': 'Z1H1FL5HABSF5',
  'ca-central-1': 'ZQSVJUPU6J1EY', 'eu-central-1': 'Z215JYRZR1TBD5', 'eu-west-1': 'Z32O12XQLNTSW2', 'eu-west-2': 'ZHURV8PSTC4K8',
  'eu-west-3': 'Z3Q77PNBQS71R4', 'eu-north-1': 'Z23TAZ6LKFMNIO', 'eu-south-1': 'Z3ULH7SSC9OV64', 'ap-northeast-1': 'Z14GRHDCWA56QT',
  'ap-northeast-2': 'ZWKZPGTI48KDX', 'ap-northeast-3': 'Z5LXEXXYW11ES', 'ap-southeast-1': 'Z1LMS91P8CMLE5',
  'ap-southeast-2': 'Z1GM3OXH4ZPM65', 'ap-south-1': 'ZP97RAFLXTNZK', 'sa-east-1': 'Z2P70J7HTTTPLU', 'me-south-1': 'ZS929ML54UICD',
};
const NETWORK_ZONES: Record<string, string> = {
  'us-east-1': 'Z26RNL4JYFTOTI', 'us-east-2': 'ZLMOA37VPKANP', 'us-west-1': 'Z24FKFUX50B4VW', 'us-west-2': 'Z18D5FSROUN65G',
  'ca-central-1': 'Z2EPGBW3API2WT', 'eu-central-1': 'Z3F0SRJ5LGBH90', 'eu-west-1': 'Z2IFOLAFXWLO4F', 'eu-west-2': 'ZD4D7Y8KGAS4G',
  'eu-west-3': 'Z1CMS0P5QUZ6D5', 'eu-north-1': 'Z1UDT6IFJ4EJM', 'eu-south-1': 'Z23146JA1KNAFP', 'ap-northeast-1': 'Z31USIVHYNEOWT',
  'ap-northeast-2': 'ZIBE1TIR4HY56', 'ap-northeast-3': 'Z1GWIQ4HH19I5X', 'ap-southeast-1': 'ZKVM4W9LS7TM',
  'ap-southeast-2': 'ZCT6FZBF4DROD', 'ap-south-1': 'ZVDDRBQ08TROA', 'sa-east-1': 'ZTK26PT1VY4CU', 'me-south-1': 'Z3QSRYVP46NYYV',
};

/** CanonicalHostedZoneId for the region; regions outside the table (private ones such as `local`) get us-east-1's. */
export function canonicalHostedZoneId(type: LoadBalancerType, region: string): string {
  const table = type === 'application' ? APPLICATION_ZONES : NETWORK_ZONES;
  return table[region] ?? table['us-east-1'] ?? '';
}
