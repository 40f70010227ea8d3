// The security policies an HTTPS or TLS listener can name (DescribeSSLPolicies), with the protocols and
// ciphers in the order of the ALB user guide's "Security policies" tables.
import type { DescribeSSLPoliciesInput, DescribeSSLPoliciesOutput, SslPolicy } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ServiceOperations } from '../../aws/service.ts';
import { SSLPolicyNotFoundException } from './errors.ts';
import { elbPage } from './paging.ts';

/** CreateListener's default for HTTPS and TLS listeners when SslPolicy is omitted. */
export const DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-2016-08';

const TLS13 = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
const ECDHE_12 = ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES128-SHA256', 'ECDHE-RSA-AES128-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-AES256-SHA384', 'ECDHE-RSA-AES256-SHA384'];

function policy(name: string, protocols: string[], ciphers: string[]): SslPolicy {
  return {
    Name: name,
    SslProtocols: protocols,
    Ciphers: ciphers.map((cipher, index) => ({ Name: cipher, Priority: index + 1 })),
    SupportedLoadBalancerTypes: ['application', 'network'],
  };
}

export const SSL_POLICIES: SslPolicy[] = [
  policy('ELBSecurityPolicy-2016-08', ['TLSv1', 'TLSv1.1', 'TLSv1.2'], [
    'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES128-SHA256', 'ECDHE-RSA-AES128-SHA256',
    'ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-AES256-SHA384', 'ECDHE-RSA-AES256-SHA384', 'ECDHE-RSA-AES256-SHA', 'ECDHE-ECDSA-AES256-SHA',
    'AES128-GCM-SHA256', 'AES128-SHA256', 'AES128-SHA', 'AES256-GCM-SHA384', 'AES256-SHA256', 'AES256-SHA']),
  policy('ELBSecurityPolicy-TLS13-1-2-2021-06', ['TLSv1.2', 'TLSv1.3'], [...TLS13, ...ECDHE_12]),
  policy('ELBSecurityPolicy-TLS13-1-2-Res-2021-06', ['TLSv1.2', 'TLSv1.3'], [...TLS13,
    'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384']),
  policy('ELBSecurityPolicy-TLS13-1-3-2021-06', ['TLSv1.3'], TLS13),
  policy('ELBSecurityPolicy-TLS-1-2-2017-01', ['TLSv1.2'], [...ECDHE_12, 'AES128-GCM-SHA256', 'AES128-SHA256', 'AES256-GCM-SHA384', 'AES256-SHA256']),
  policy('ELBSecurityPolicy-TLS-1-2-Ext-2018-06', ['TLSv1.2'], [
    'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES128-SHA256', 'ECDHE-RSA-AES128-SHA256',
    'ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-AES256-SHA384', 'ECDHE-RSA-AES256-SHA384', 'ECDHE-RSA-AES256-SHA', 'ECDHE-ECDSA-AES256-SHA',
    'AES128-GCM-SHA256', 'AES128-SHA256', 'AES128-SHA', 'AES256-GCM-SHA384', 'AES256-SHA256', 'AES256-SHA']),
  policy('ELBSecurityPolicy-FS-1-2-Res-2020-10', ['TLSv1.2'], [
    'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384']),
];

/** Throws SSLPolicyNotFound unless the policy exists. */
export function checkSslPolicy(name: string): void {
  // Not verified: the wording.
  if (!SSL_POLICIES.some((p) => p.Name === name)) throw new SSLPolicyNotFoundException(`SSL policy '${name}' not found`);
}

export function sslPolicyOperations(): ServiceOperations<{ DescribeSSLPolicies: [DescribeSSLPoliciesInput, DescribeSSLPoliciesOutput] }> {
  return {
    DescribeSSLPolicies: async (input) => {
      const names = input.Names ?? [];
      for (const name of names) checkSslPolicy(name);
      const selected = SSL_POLICIES.filter((p) => (names.length === 0 || names.includes(p.Name ?? ''))
        && (input.LoadBalancerType === undefined || (p.SupportedLoadBalancerTypes ?? []).includes(input.LoadBalancerType)));
      const page = elbPage(selected.map((item, seq) => ({ seq, item })), input.Marker, input.PageSize);
      return { SslPolicies: page.items, NextMarker: page.nextMarker };
    },
  };
}
