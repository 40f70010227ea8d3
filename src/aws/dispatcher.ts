// Serves one AWS API request end to end: route → authenticate → decode → validate → operation →
// serialize. Every failure leaves here as an AwsError in the request's own protocol.
import { AuthError, type Authenticator } from './auth/authenticator.ts';
import type { Authorizer } from './authz/authorizer.ts';
import { iamRequestsFor } from './authz/iam-request.ts';
import { authErrorFor } from './auth/auth-errors.ts';
import type { RequestContext } from './context.ts';
import { AwsError, clientError, InternalFailure, NotImplementedError } from './errors.ts';
import { describeViolations, validateShape } from './models/validate.ts';
import type { ServiceRouter } from './protocol/router.ts';
import type { RawRequest, RawResponse, WireProtocol } from './protocol/wire.ts';
import type { AwsService } from './service.ts';
import type { Clock } from '../platform/clock.ts';
import type { IdSource } from '../platform/ids.ts';

export interface DispatchLog {
  /** A request that failed because of Berth, not the caller: logged with its stack. */
  internalError(requestId: string, operation: string, error: unknown): void;
}

export interface DispatcherDeps {
  router: ServiceRouter;
  authenticator: Authenticator;
  /** Checks callers' policies before each operation; absent: nothing is checked. */
  authorizer?: Authorizer;
  clock: Clock;
  ids: IdSource;
  log: DispatchLog;
}

export class Dispatcher {
  readonly #deps: DispatcherDeps;

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
  }

  async handle(request: RawRequest): Promise<RawResponse> {
    const requestId = this.#deps.ids.uuid();
    const now = this.#deps.clock.now();
    let auth;
    try {
      auth = await this.#deps.authenticator.authenticate(request, now);
    } catch (error) {
      const route = this.#deps.router.route(request, undefined);
      const protocol = route.kind === 'unsupported-protocol' ? this.#deps.router.fallbackProtocol : route.protocol;
      const failure = error instanceof AuthError ? authErrorFor(protocol.name, error) : new InternalFailure();
      if (!(error instanceof AuthError)) this.#deps.log.internalError(requestId, 'authenticate', error);
      return this.#stamp(protocol.writeError(failure, requestId, route.kind === 'service' ? route.service.model : undefined), requestId);
    }
    const route = this.#deps.router.route(request, auth.signingService);
    if (route.kind === 'unsupported-protocol') {
      const error = new AwsError({ code: 'UnsupportedProtocol', httpStatus: 415, senderFault: true,
        message: `Berth does not serve the ${route.protocol} protocol yet; use an SDK that speaks the service's JSON or Query protocol.` });
      return this.#stamp(this.#deps.router.fallbackProtocol.writeError(error, requestId), requestId);
    }
    if (route.kind === 'unknown') {
      const code = route.protocol.name.startsWith('awsJson') ? 'UnknownOperationException' : 'InvalidAction';
      return this.#stamp(route.protocol.writeError(clientError(code, route.reason), requestId), requestId);
    }
    const ctx: RequestContext = { requestId, region: auth.region, principal: auth.principal, now };
    return this.#stamp(await this.#serve(route.service, route.protocol, request, ctx), requestId);
  }

  /** Answers a request that cannot be served at all (e.g. an oversized body) in its own protocol. */
  reject(request: RawRequest, error: AwsError): RawResponse {
    const requestId = this.#deps.ids.uuid();
    const route = this.#deps.router.route(request, undefined);
    const protocol = route.kind === 'unsupported-protocol' ? this.#deps.router.fallbackProtocol : route.protocol;
    return this.#stamp(protocol.writeError(error, requestId, route.kind === 'service' ? route.service.model : undefined), requestId);
  }

  async #serve(service: AwsService, protocol: WireProtocol, request: RawRequest, ctx: RequestContext): Promise<RawResponse> {
    let operationName = '(decode)';
    try {
      const call = protocol.readCall(service.model, request);
      operationName = call.operation.name;
      // An operation Berth does not serve says so first: validating its input would only mislead.
      const operation = service.operations[call.operation.name];
      if (!operation) throw new NotImplementedError(service.name, call.operation.name);
      if (call.mismatches.length > 0) {
        const detail = call.mismatches.map((m) => `'${m.path}' must be of type ${m.expected}`).join('; ');
        throw protocol.name.startsWith('awsJson')
          ? clientError('SerializationException', `Unexpected value type in the request: ${detail}`)
          : service.validationError(`Invalid value in the request: ${detail}`);
      }
      if (call.operation.input) {
        const violations = validateShape(service.model, call.operation.input, call.input);
        if (violations.length > 0) {
          throw service.invalidInput?.(violations) ?? service.validationError(describeViolations(violations));
        }
      }
      const iam = service.iam;
      if (iam && this.#deps.authorizer?.enforces(ctx)) {
        await this.#deps.authorizer.authorize(iam, await iamRequestsFor(iam, call.operation.name, call.input, ctx), ctx);
      }
      const output = await operation(call.input as never, ctx);
      return protocol.writeOutput(service.model, call.operation, output, ctx.requestId);
    } catch (error) {
      if (error instanceof AwsError) return protocol.writeError(error, ctx.requestId, service.model);
      this.#deps.log.internalError(ctx.requestId, `${service.name}:${operationName}`, error);
      return protocol.writeError(new InternalFailure(), ctx.requestId, service.model);
    }
  }

  #stamp(response: RawResponse, requestId: string): RawResponse {
    response.headers['x-amzn-requestid'] = requestId;
    response.headers['x-amz-request-id'] = requestId;
    return response;
  }
}
