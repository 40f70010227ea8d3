// Listeners: CreateListener, DescribeListeners, ModifyListener and DeleteListener. Each listener has a
// default rule (DescribeRules shows it, IsDefault, priority "default") that mirrors its default actions.
import type {
  Action, Certificate, CreateListenerInput, CreateListenerOutput, DeleteListenerInput, DeleteListenerOutput, DescribeListenersInput,
  DescribeListenersOutput, Listener, ModifyListenerInput, ModifyListenerOutput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { RequestContext } from '../../aws/context.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import { checkActions } from './actions.ts';
import { idOf, listenerArn, newElbId, ruleArn, type LoadBalancerType } from './arns.ts';
import { removeListener } from './cascade.ts';
import {
  DuplicateListenerException, ListenerNotFoundException, TooManyCertificatesException, TooManyListenersException,
  UnsupportedProtocolException, ValidationError,
} from './errors.ts';
import { limitOf } from './limits.ts';
import { refreshTargetGroupAssociations, requireListener, requireLoadBalancer, targetGroupsOf } from './lookups.ts';
import { elbPage } from './paging.ts';
import type { ListenerRecord, LoadBalancerRecord } from './records.ts';
import { checkSslPolicy, DEFAULT_SSL_POLICY } from './ssl-policies.ts';
import { addTags, checkTags } from './tags.ts';
import { checkCertificateArn, type CertificateIssuer, type ListenerTls } from './tls.ts';
import { putListener, putRule } from './writes.ts';

const PROTOCOLS: Record<LoadBalancerType, string[]> = { application: ['HTTP', 'HTTPS'], network: ['TCP', 'TLS', 'UDP', 'TCP_UDP'] };

/** HTTPS and TLS listeners terminate TLS and need a certificate and a security policy. */
function secure(protocol: string): boolean {
  return protocol === 'HTTPS' || protocol === 'TLS';
}

function typeOf(record: LoadBalancerRecord): LoadBalancerType {
  return record.loadBalancer.Type === 'network' ? 'network' : 'application';
}

/** The listener settings a request asks for, checked against the load balancer's type. */
interface ListenerShape {
  protocol: string;
  port: number;
  certificates: Certificate[];
  sslPolicy: string | undefined;
}

function checkShape(type: LoadBalancerType, protocol: string | undefined, port: number | undefined, certificates: Certificate[] | undefined,
  sslPolicy: string | undefined): ListenerShape {
  // Not verified: the wordings of the first three.
  if (protocol === undefined) throw new ValidationError('A protocol must be specified');
  if (port === undefined) throw new ValidationError('A port must be specified');
  if (!PROTOCOLS[type].includes(protocol)) {
    throw new UnsupportedProtocolException(`Protocol '${protocol}' is not supported for load balancers of type '${type}'`);
  }
  const certs = certificates ?? [];
  if (secure(protocol)) {
    // Verified (pulumi/pulumi #15712, cn-terraform/terraform-aws-nexus #42) for HTTPS; the TLS one by analogy.
    if (certs.length === 0) throw new ValidationError(`A certificate must be specified for ${protocol} listeners`);
    // "You must provide exactly one certificate" (CreateListener, Certificates). Not verified: the wording.
    if (certs.length > 1) throw new TooManyCertificatesException('You can specify only one default certificate for a listener');
    for (const cert of certs) checkCertificateArn(cert.CertificateArn ?? '');
    const policy = sslPolicy ?? DEFAULT_SSL_POLICY;
    checkSslPolicy(policy);
    return { protocol, port, certificates: certs.map((cert) => ({ CertificateArn: cert.CertificateArn })), sslPolicy: policy };
  }
  // Verified (awslabs/fargatecli #104): "A certificate cannot be specified for HTTP listeners".
  if (certs.length > 0) throw new ValidationError(`A certificate cannot be specified for ${protocol} listeners`);
  // Not verified: the wording.
  if (sslPolicy !== undefined) throw new ValidationError(`An SSL policy cannot be specified for ${protocol} listeners`);
  return { protocol, port, certificates: [], sslPolicy: undefined };
}

function listenerOf(arn: string, loadBalancerArn: string, shape: ListenerShape, actions: Action[], alpn: string[] | undefined): Listener {
  return {
    ListenerArn: arn,
    LoadBalancerArn: loadBalancerArn,
    Port: shape.port,
    Protocol: shape.protocol as Listener['Protocol'],
    ...(shape.certificates.length > 0 ? { Certificates: shape.certificates } : {}),
    ...(shape.sslPolicy !== undefined ? { SslPolicy: shape.sslPolicy } : {}),
    DefaultActions: actions,
    ...(alpn !== undefined && alpn.length > 0 ? { AlpnPolicy: alpn } : {}),
  };
}

/** The default rule mirrors the listener's default actions. */
async function putDefaultRule(tx: StoreTx, scope: Scope, listener: Listener, existingRuleArn?: string): Promise<void> {
  const arn = listener.ListenerArn ?? '';
  await putRule(tx, scope, arn, {
    rule: { RuleArn: existingRuleArn ?? '', Priority: 'default', Conditions: [], Actions: listener.DefaultActions ?? [], IsDefault: true },
  });
}

export function listenerOperations(deps: ServiceDeps, issuer: CertificateIssuer): ServiceOperations<{
  CreateListener: [CreateListenerInput, CreateListenerOutput];
  DescribeListeners: [DescribeListenersInput, DescribeListenersOutput];
  ModifyListener: [ModifyListenerInput, ModifyListenerOutput];
  DeleteListener: [DeleteListenerInput, DeleteListenerOutput];
}> {
  const { store, ids } = deps;
  const changed = () => deps.taskEvents?.changed();

  /** The certificate a secure listener will serve, made before the write so no transaction waits on key generation. */
  async function tlsFor(ctx: RequestContext, loadBalancerArn: string, protocol: string | undefined): Promise<ListenerTls | undefined> {
    if (protocol === undefined || !secure(protocol)) return undefined;
    const record = await store.read((tx) => requireLoadBalancer(tx, regionalScope(ctx), loadBalancerArn));
    return issuer.selfSigned(record.loadBalancer.DNSName ?? '', ctx.now);
  }

  return {
    CreateListener: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const loadBalancerArn = input.LoadBalancerArn ?? '';
      const tags = checkTags(input.Tags);
      const tls = await tlsFor(ctx, loadBalancerArn, input.Protocol);
      const result = await store.write(async (tx) => {
        const lb = await requireLoadBalancer(tx, scope, loadBalancerArn);
        const type = typeOf(lb);
        const shape = checkShape(type, input.Protocol, input.Port, input.Certificates, input.SslPolicy);
        const actions = await checkActions(tx, scope, input.DefaultActions, { loadBalancerArn, loadBalancerType: type, listenerProtocol: shape.protocol });
        const siblings = await tx.list('elbv2.listener', scope, { parent: loadBalancerArn });
        const onPort = siblings.find((row) => row.body.listener.Port === shape.port);
        if (onPort) {
          const candidate = listenerOf(onPort.body.listener.ListenerArn ?? '', loadBalancerArn, shape, actions, input.AlpnPolicy);
          // "If you attempt to create multiple listeners with the same settings, each call succeeds." (API reference)
          if (JSON.stringify(candidate) === JSON.stringify(onPort.body.listener)) return { listener: onPort.body.listener, isNew: false };
          // Verified (hashicorp/terraform #26407).
          throw new DuplicateListenerException(`A listener already exists on this port for this load balancer '${loadBalancerArn}'`);
        }
        const quota = limitOf(type === 'application' ? 'listeners-per-application-load-balancer' : 'listeners-per-network-load-balancer');
        // Not verified: the wording; the code and the default quota are AWS's.
        if (siblings.length >= quota) throw new TooManyListenersException(`You have reached the maximum number of listeners for load balancer '${loadBalancerArn}' (${quota})`);
        const arn = listenerArn(loadBalancerArn, newElbId(ids));
        const listener = listenerOf(arn, loadBalancerArn, shape, actions, input.AlpnPolicy);
        const record: ListenerRecord = { listener, ...(tls ? { tls } : {}) };
        await putListener(tx, scope, record);
        await putDefaultRule(tx, scope, listener, ruleArn(arn, newElbId(ids)));
        await refreshTargetGroupAssociations(tx, scope, targetGroupsOf(actions));
        await addTags(tx, scope, arn, tags);
        return { listener, isNew: true };
      });
      if (result.isNew) changed();
      return { Listeners: [result.listener] };
    },

    DescribeListeners: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const arns = input.ListenerArns ?? [];
      const rows = await store.read(async (tx) => {
        if (input.LoadBalancerArn !== undefined) {
          await requireLoadBalancer(tx, scope, input.LoadBalancerArn);
          return tx.list('elbv2.listener', scope, { parent: input.LoadBalancerArn });
        }
        // Not verified: the wording; AWS needs one or the other.
        if (arns.length === 0) throw new ValidationError('You must specify either listener ARNs or a load balancer ARN');
        return tx.list('elbv2.listener', scope);
      });
      let selected = rows;
      if (arns.length > 0) {
        selected = rows.filter((row) => arns.includes(row.body.listener.ListenerArn ?? ''));
        if (arns.some((arn) => !selected.some((row) => row.body.listener.ListenerArn === arn))) throw new ListenerNotFoundException();
      }
      const page = elbPage(selected.map((row) => ({ seq: row.seq, item: row.body.listener })), input.Marker, input.PageSize);
      return { Listeners: page.items, NextMarker: page.nextMarker };
    },

    ModifyListener: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const arn = input.ListenerArn ?? '';
      const current = await store.read((tx) => requireListener(tx, scope, arn));
      const protocol = input.Protocol ?? current.listener.Protocol;
      const certificateChanges = input.Certificates !== undefined || (protocol !== current.listener.Protocol);
      const tls = certificateChanges || !current.tls ? await tlsFor(ctx, current.listener.LoadBalancerArn ?? '', protocol) : current.tls;
      const listener = await store.write(async (tx) => {
        const record = await requireListener(tx, scope, arn);
        const loadBalancerArn = record.listener.LoadBalancerArn ?? '';
        const lb = await requireLoadBalancer(tx, scope, loadBalancerArn);
        const type = typeOf(lb);
        const keepsSecurity = protocol !== undefined && secure(protocol);
        const shape = checkShape(type, protocol, input.Port ?? record.listener.Port,
          input.Certificates ?? (keepsSecurity ? record.listener.Certificates : undefined),
          input.SslPolicy ?? (keepsSecurity && record.listener.Protocol !== undefined && secure(record.listener.Protocol) ? record.listener.SslPolicy : undefined));
        if (shape.port !== record.listener.Port) {
          const siblings = await tx.list('elbv2.listener', scope, { parent: loadBalancerArn });
          // Verified (hashicorp/terraform #26407): ModifyListener answers ValidationError, not DuplicateListener.
          if (siblings.some((row) => row.id !== idOf(arn) && row.body.listener.Port === shape.port)) throw new ValidationError(`Listener port '${shape.port}' is already in use`);
        }
        const actions = input.DefaultActions !== undefined
          ? await checkActions(tx, scope, input.DefaultActions, { loadBalancerArn, loadBalancerType: type, listenerProtocol: shape.protocol })
          : await checkActions(tx, scope, record.listener.DefaultActions, { loadBalancerArn, loadBalancerType: type, listenerProtocol: shape.protocol });
        const next = listenerOf(arn, loadBalancerArn, shape, actions, input.AlpnPolicy ?? record.listener.AlpnPolicy);
        const { tls: _old, ...rest } = record;
        await putListener(tx, scope, { ...rest, listener: next, ...(tls && secure(shape.protocol) ? { tls } : {}) });
        const [defaultRule] = await tx.list('elbv2.rule', scope, { parent: arn, name: 'default', limit: 1 });
        await putDefaultRule(tx, scope, next, defaultRule?.body.rule.RuleArn ?? ruleArn(arn, newElbId(ids)));
        await refreshTargetGroupAssociations(tx, scope, [...targetGroupsOf(record.listener.DefaultActions), ...targetGroupsOf(actions)]);
        return next;
      });
      changed();
      return { Listeners: [listener] };
    },

    DeleteListener: async (input, ctx) => {
      const scope = regionalScope(ctx);
      await store.write(async (tx) => {
        const record = await requireListener(tx, scope, input.ListenerArn ?? '');
        await refreshTargetGroupAssociations(tx, scope, await removeListener(tx, scope, record));
      });
      changed();
      return {};
    },
  };
}
