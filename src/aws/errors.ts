// The one error type that reaches a client: AWS's error code, HTTP status and fault side.
// Every protocol serializer turns an AwsError into that protocol's error shape; anything
// else that escapes an operation is a Berth bug and is answered as InternalFailure (500).

export interface AwsErrorFields {
  /** AWS's error code as the wire shows it, e.g. `ClusterNotFoundException`, `NoSuchEntity`. */
  code: string;
  httpStatus: number;
  /** true: the caller's mistake (Query protocols print `<Type>Sender</Type>`). */
  senderFault: boolean;
  message: string;
}

export class AwsError extends Error {
  readonly code: string;
  readonly httpStatus: number;
  readonly senderFault: boolean;

  constructor(fields: AwsErrorFields) {
    super(fields.message);
    this.name = fields.code;
    this.code = fields.code;
    this.httpStatus = fields.httpStatus;
    this.senderFault = fields.senderFault;
  }
}

/** A client error with status 400, the common case. */
export function clientError(code: string, message: string, httpStatus = 400): AwsError {
  return new AwsError({ code, httpStatus, senderFault: true, message });
}

export class InternalFailure extends AwsError {
  constructor(message = 'The request processing has failed because of an unknown error, exception or failure.') {
    super({ code: 'InternalFailure', httpStatus: 500, senderFault: false, message });
  }
}

/** An operation that AWS has and Berth does not serve yet: a clear 501, never a silent stub. */
export class NotImplementedError extends AwsError {
  constructor(service: string, operation: string) {
    super({
      code: 'NotImplemented',
      httpStatus: 501,
      senderFault: false,
      message: `Berth does not implement ${service}:${operation} yet (see the service's LIMITATIONS file).`,
    });
  }
}
