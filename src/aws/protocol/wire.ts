// The boundary every wire protocol implements: read an operation's input, write its output or error.
import type { AwsError } from '../errors.ts';
import type { ModelIndex } from '../models/model-index.ts';
import type { OperationModel } from '../models/types.ts';
import type { TypeMismatch } from './json-codec.ts';

export interface RawRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export type ProtocolName = 'awsJson1_0' | 'awsJson1_1' | 'awsQuery' | 'ec2Query' | 'smithyRpcV2Cbor';

export interface DecodedCall {
  operation: OperationModel;
  /** Decoded by shape but not yet checked against the model's constraints. */
  input: unknown;
  /** Members whose wire type did not match the model (e.g. a string where a list belongs). */
  mismatches: TypeMismatch[];
}

export interface WireProtocol {
  readonly name: ProtocolName;
  /** Throws an AwsError (unknown operation, malformed body) the caller writes with writeError. */
  readCall(model: ModelIndex, request: RawRequest): DecodedCall;
  writeOutput(model: ModelIndex, operation: OperationModel, output: unknown, requestId: string): RawResponse;
  /** `model` is absent when the request could not be routed to a service. */
  writeError(error: AwsError, requestId: string, model?: ModelIndex): RawResponse;
}
