// A secure listener's certificate list: AddListenerCertificates, RemoveListenerCertificates and
// DescribeListenerCertificates. The default certificate is the listener's own (Certificates[0]); the others
// are kept here, per listener. Berth's data plane serves the default one (no SNI selection among the rest).
import type {
  AddListenerCertificatesInput, AddListenerCertificatesOutput, Certificate, DescribeListenerCertificatesInput,
  DescribeListenerCertificatesOutput, RemoveListenerCertificatesInput, RemoveListenerCertificatesOutput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ServiceOperations } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import { idOf } from './arns.ts';
import { OperationNotPermittedException, TooManyCertificatesException, ValidationError } from './errors.ts';
import { requireListener } from './lookups.ts';
import { elbPage } from './paging.ts';
import { checkCertificateArn } from './tls.ts';

export interface ListenerCertificatesRecord {
  listenerArn: string;
  certificateArns: string[];
}

declare module '../../store/store.ts' {
  interface ResourceKinds {
    /** id = listener id: the listener's certificates besides its default one. */
    'elbv2.listener-certificates': ListenerCertificatesRecord;
  }
}

/** "Certificates per Application Load Balancer (not counting default certificates): 25" (ALB quotas). */
const MAX_EXTRA_CERTIFICATES = 25;

export function listenerCertificateOperations(deps: ServiceDeps): ServiceOperations<{
  AddListenerCertificates: [AddListenerCertificatesInput, AddListenerCertificatesOutput];
  RemoveListenerCertificates: [RemoveListenerCertificatesInput, RemoveListenerCertificatesOutput];
  DescribeListenerCertificates: [DescribeListenerCertificatesInput, DescribeListenerCertificatesOutput];
}> {
  const { store } = deps;
  return {
    AddListenerCertificates: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const arn = input.ListenerArn ?? '';
      const added = await store.write(async (tx) => {
        const listener = await requireListener(tx, scope, arn);
        const protocol = listener.listener.Protocol ?? '';
        // Not verified: the wording; only HTTPS and TLS listeners hold certificates.
        if (protocol !== 'HTTPS' && protocol !== 'TLS') throw new ValidationError(`Certificates cannot be added to ${protocol} listeners`);
        const current = (await tx.get('elbv2.listener-certificates', scope, idOf(arn)))?.certificateArns ?? [];
        const next = [...current];
        for (const cert of input.Certificates ?? []) {
          const certificateArn = cert.CertificateArn ?? '';
          checkCertificateArn(certificateArn);
          if (!next.includes(certificateArn)) next.push(certificateArn);
        }
        // Not verified: the wording; the quota is AWS's.
        if (next.length > MAX_EXTRA_CERTIFICATES) throw new TooManyCertificatesException(`You can add at most ${MAX_EXTRA_CERTIFICATES} certificates to a listener`);
        await tx.put('elbv2.listener-certificates', scope, { id: idOf(arn), parent: arn, body: { listenerArn: arn, certificateArns: next } });
        return next.map((certificateArn): Certificate => ({ CertificateArn: certificateArn, IsDefault: false }));
      });
      deps.taskEvents?.changed();
      return { Certificates: added };
    },
    RemoveListenerCertificates: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const arn = input.ListenerArn ?? '';
      await store.write(async (tx) => {
        const listener = await requireListener(tx, scope, arn);
        const defaults = (listener.listener.Certificates ?? []).map((cert) => cert.CertificateArn);
        const removing = (input.Certificates ?? []).map((cert) => cert.CertificateArn ?? '');
        // Not verified: the wording; the default certificate is changed with ModifyListener, not removed.
        if (removing.some((certificateArn) => defaults.includes(certificateArn))) throw new OperationNotPermittedException('The default certificate of a listener cannot be removed');
        const current = (await tx.get('elbv2.listener-certificates', scope, idOf(arn)))?.certificateArns ?? [];
        await tx.put('elbv2.listener-certificates', scope, { id: idOf(arn), parent: arn, body: { listenerArn: arn, certificateArns: current.filter((c) => !removing.includes(c)) } });
      });
      deps.taskEvents?.changed();
      return {};
    },
    DescribeListenerCertificates: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const arn = input.ListenerArn ?? '';
      const certificates = await store.read(async (tx) => {
        const listener = await requireListener(tx, scope, arn);
        const extra = (await tx.get('elbv2.listener-certificates', scope, idOf(arn)))?.certificateArns ?? [];
        return [
          ...(listener.listener.Certificates ?? []).map((cert): Certificate => ({ CertificateArn: cert.CertificateArn, IsDefault: true })),
          ...extra.map((certificateArn): Certificate => ({ CertificateArn: certificateArn, IsDefault: false })),
        ];
      });
      const page = elbPage(certificates.map((item, seq) => ({ seq, item })), input.Marker, input.PageSize);
      return { Certificates: page.items, NextMarker: page.nextMarker };
    },
  };
}
