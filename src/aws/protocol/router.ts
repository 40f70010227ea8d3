// Decides which service and wire protocol a request speaks: by X-Amz-Target (JSON), by the
// smithy-protocol header (rpc-v2-cbor), by the SigV4 scope's service, and by Action/Version.
import type { AwsService } from '../service.ts';
import { formParams } from './form.ts';
import { JsonProtocol } from './json-protocol.ts';
import { QueryProtocol } from './query-protocol.ts';
import type { RawRequest, WireProtocol } from './wire.ts';

export type Route =
  | { kind: 'service'; service: AwsService; protocol: WireProtocol }
  /** A protocol Berth knows but does not serve yet (smithy-rpc-v2-cbor). */
  | { kind: 'unsupported-protocol'; protocol: string }
  | { kind: 'unknown'; protocol: WireProtocol; reason: string };

export class ServiceRouter {
  readonly #services: AwsService[];
  readonly #byTargetPrefix = new Map<string, AwsService>();
  readonly #protocols = new Map<string, WireProtocol>();

  constructor(services: AwsService[]) {
    this.#services = services;
    for (const service of services) {
      const prefix = service.model.metadata.targetPrefix;
      if (prefix) this.#byTargetPrefix.set(prefix, service);
    }
    this.#protocols.set('json1.0', new JsonProtocol('1.0'));
    this.#protocols.set('json1.1', new JsonProtocol('1.1'));
    this.#protocols.set('query', new QueryProtocol('query'));
    this.#protocols.set('ec2', new QueryProtocol('ec2'));
  }

  get services(): readonly AwsService[] {
    return this.#services;
  }

  /** The protocol for answers that belong to no service (awsJson 1.1's error shape). */
  get fallbackProtocol(): WireProtocol {
    return this.#protocols.get('json1.1') as WireProtocol;
  }

  protocolOf(service: AwsService): WireProtocol {
    const meta = service.model.metadata;
    // JSON 1.0 services with awsQueryCompatible (CloudWatch) also answer x-amzn-query-mode; that
    // service's issue adds the query-compatible error header here.
    const key = meta.protocol === 'json' ? `json${meta.jsonVersion ?? '1.1'}` : meta.protocol;
    const protocol = this.#protocols.get(key);
    if (!protocol) throw new Error(`no wire protocol ${key} for ${service.name}`);
    return protocol;
  }

  route(request: RawRequest, signingService: string | undefined): Route {
    const target = request.headers['x-amz-target'];
    if (target !== undefined) {
      const service = this.#byTargetPrefix.get(target.slice(0, target.indexOf('.')));
      if (service) return { kind: 'service', service, protocol: this.protocolOf(service) };
      return { kind: 'unknown', protocol: this.fallbackProtocol, reason: `Unknown operation target ${target}` };
    }
    if (request.headers['smithy-protocol'] === 'rpc-v2-cbor') {
      return { kind: 'unsupported-protocol', protocol: 'smithy-rpc-v2-cbor' };
    }
    const params = formParams(request);
    const action = params.get('Action');
    const queryServices = this.#services.filter((s) => s.model.metadata.protocol === 'query' || s.model.metadata.protocol === 'ec2');
    const queryFallback = this.#protocols.get('query') as WireProtocol;
    if (action === undefined) {
      const bySigning = this.#services.find((s) => s.name === signingService);
      const protocol = bySigning ? this.protocolOf(bySigning) : queryFallback;
      return { kind: 'unknown', protocol, reason: 'The request names no Action or X-Amz-Target.' };
    }
    const version = params.get('Version');
    const candidates = [
      queryServices.find((s) => s.name === signingService),
      queryServices.find((s) => s.model.metadata.apiVersion === version && s.model.operation(action)),
      queryServices.find((s) => s.model.operation(action)),
    ];
    const service = candidates.find((s) => s !== undefined);
    if (service) return { kind: 'service', service, protocol: this.protocolOf(service) };
    return { kind: 'unknown', protocol: queryFallback, reason: `The action ${action} is not valid for this web service.` };
  }
}
