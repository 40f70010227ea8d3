// awsJson1_0 / awsJson1_1: POST / with X-Amz-Target `<targetPrefix>.<Operation>` and a JSON body.
import { clientError, type AwsError } from '../errors.ts';
import type { ModelIndex } from '../models/model-index.ts';
import type { OperationModel } from '../models/types.ts';
import { decodeJson, encodeJson } from './json-codec.ts';
import type { DecodedCall, RawRequest, RawResponse, WireProtocol } from './wire.ts';

export class JsonProtocol implements WireProtocol {
  readonly name: 'awsJson1_0' | 'awsJson1_1';
  readonly #contentType: string;

  constructor(version: '1.0' | '1.1') {
    this.name = version === '1.0' ? 'awsJson1_0' : 'awsJson1_1';
    this.#contentType = `application/x-amz-json-${version}`;
  }

  readCall(model: ModelIndex, request: RawRequest): DecodedCall {
    const target = request.headers['x-amz-target'] ?? '';
    const operationName = target.slice(target.indexOf('.') + 1);
    const operation = model.operation(operationName);
    if (!operation) throw clientError('UnknownOperationException', `Unknown operation ${operationName}`);
    let body: unknown = {};
    const text = request.body.toString('utf8');
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        throw clientError('SerializationException', 'Start of structure or map found where not expected, or the request body is not valid JSON.');
      }
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw clientError('SerializationException', 'The request body must be a JSON object.');
    }
    if (!operation.input) return { operation, input: {}, mismatches: [] };
    const { value, mismatches } = decodeJson(model, operation.input, body);
    return { operation, input: value, mismatches };
  }

  writeOutput(model: ModelIndex, operation: OperationModel, output: unknown, requestId: string): RawResponse {
    return this.#response(200, requestId, encodeJson(model, operation.output, output));
  }

  writeError(error: AwsError, requestId: string): RawResponse {
    const response = this.#response(error.httpStatus, requestId, { __type: error.code, message: error.message });
    response.headers['x-amzn-errortype'] = error.code;
    return response;
  }

  #response(status: number, requestId: string, body: unknown): RawResponse {
    return {
      status,
      headers: { 'content-type': this.#contentType, 'x-amzn-requestid': requestId },
      body: JSON.stringify(body),
    };
  }
}
