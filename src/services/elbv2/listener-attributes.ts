// Listener attributes (DescribeListenerAttributes, ModifyListenerAttributes): AWS's keys and defaults per
// listener protocol (ListenerAttribute in the ELBv2 API reference), overrides kept per listener.
import type {
  DescribeListenerAttributesInput, DescribeListenerAttributesOutput, ListenerAttribute, ModifyListenerAttributesInput,
  ModifyListenerAttributesOutput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ServiceOperations } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import { idOf } from './arns.ts';
import { ValidationError } from './errors.ts';
import { requireListener } from './lookups.ts';

export interface ListenerAttributesRecord {
  listenerArn: string;
  /** Only the keys a caller changed; the rest are the defaults below. */
  values: Record<string, string>;
}

declare module '../../store/store.ts' {
  interface ResourceKinds {
    /** id = listener id. */
    'elbv2.listener-attributes': ListenerAttributesRecord;
  }
}

const RESPONSE_HEADERS = ['strict_transport_security', 'access_control_allow_origin', 'access_control_allow_methods',
  'access_control_allow_headers', 'access_control_allow_credentials', 'access_control_expose_headers', 'access_control_max_age',
  'content_security_policy', 'x_content_type_options', 'x_frame_options'];

/** mTLS and TLS request headers an HTTPS listener adds, and the names it gives them by default. */
const REQUEST_HEADERS: Record<string, string> = {
  x_amzn_mtls_clientcert_serial_number: 'X-Amzn-Mtls-Clientcert-Serial-Number',
  x_amzn_mtls_clientcert_issuer: 'X-Amzn-Mtls-Clientcert-Issuer',
  x_amzn_mtls_clientcert_subject: 'X-Amzn-Mtls-Clientcert-Subject',
  x_amzn_mtls_clientcert_validity: 'X-Amzn-Mtls-Clientcert-Validity',
  x_amzn_mtls_clientcert_leaf: 'X-Amzn-Mtls-Clientcert-Leaf',
  x_amzn_mtls_clientcert: 'X-Amzn-Mtls-Clientcert',
  x_amzn_tls_version: 'X-Amzn-Tls-Version',
  x_amzn_tls_cipher_suite: 'X-Amzn-Tls-Cipher-Suite',
};

/** The attributes a listener of `protocol` has, with their defaults. */
export function defaultListenerAttributes(protocol: string): Record<string, string> {
  if (protocol === 'HTTP' || protocol === 'HTTPS') {
    const attributes: Record<string, string> = { 'routing.http.response.server.enabled': 'true' };
    for (const header of RESPONSE_HEADERS) attributes[`routing.http.response.${header}.header_value`] = '';
    if (protocol === 'HTTPS') for (const [key, name] of Object.entries(REQUEST_HEADERS)) attributes[`routing.http.request.${key}.header_name`] = name;
    return attributes;
  }
  // "tcp.idle_timeout.seconds - … The valid range is 60-6000 seconds. The default is 350 seconds." (UDP has no TCP idle timeout.)
  return protocol === 'UDP' ? {} : { 'tcp.idle_timeout.seconds': '350' };
}

function checkValue(key: string, value: string): void {
  let ok = true;
  if (key === 'tcp.idle_timeout.seconds') ok = /^\d+$/.test(value) && Number(value) >= 60 && Number(value) <= 6000;
  else if (key === 'routing.http.response.server.enabled') ok = value === 'true' || value === 'false';
  else if (key.endsWith('x_content_type_options.header_value')) ok = value === '' || value === 'nosniff';
  else if (key.endsWith('x_frame_options.header_value')) ok = value === '' || value === 'DENY' || value === 'SAMEORIGIN' || value.startsWith('ALLOW-FROM ');
  else if (key.endsWith('access_control_allow_credentials.header_value')) ok = value === '' || value === 'true';
  else if (key.endsWith('access_control_max_age.header_value')) ok = value === '' || /^\d+$/.test(value);
  // Not verified: the wording.
  if (!ok) throw new ValidationError(`'${value}' is not a valid value for listener attribute key '${key}'`);
}

export function listenerAttributeOperations(deps: ServiceDeps): ServiceOperations<{
  DescribeListenerAttributes: [DescribeListenerAttributesInput, DescribeListenerAttributesOutput];
  ModifyListenerAttributes: [ModifyListenerAttributesInput, ModifyListenerAttributesOutput];
}> {
  const { store } = deps;
  const list = (values: Record<string, string>): ListenerAttribute[] => Object.entries(values).map(([Key, Value]) => ({ Key, Value }));
  return {
    DescribeListenerAttributes: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const arn = input.ListenerArn ?? '';
      const attributes = await store.read(async (tx) => {
        const listener = await requireListener(tx, scope, arn);
        const overrides = (await tx.get('elbv2.listener-attributes', scope, idOf(arn)))?.values ?? {};
        return { ...defaultListenerAttributes(listener.listener.Protocol ?? ''), ...overrides };
      });
      return { Attributes: list(attributes) };
    },
    ModifyListenerAttributes: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const arn = input.ListenerArn ?? '';
      const attributes = await store.write(async (tx) => {
        const listener = await requireListener(tx, scope, arn);
        const defaults = defaultListenerAttributes(listener.listener.Protocol ?? '');
        const overrides = { ...(await tx.get('elbv2.listener-attributes', scope, idOf(arn)))?.values };
        for (const { Key: key = '', Value: value = '' } of input.Attributes ?? []) {
          // Not verified: the wording; AWS answers ValidationError for a key this listener lacks.
          if (!(key in defaults)) throw new ValidationError(`Listener attribute key '${key}' is not recognized`);
          checkValue(key, value);
          overrides[key] = value;
        }
        await tx.put('elbv2.listener-attributes', scope, { id: idOf(arn), parent: arn, body: { listenerArn: arn, values: overrides } });
        return { ...defaults, ...overrides };
      });
      deps.taskEvents?.changed();
      return { Attributes: list(attributes) };
    },
  };
}
