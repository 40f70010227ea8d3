// awsQuery (IAM, STS, ELBv2…) and the EC2 protocol: form-encoded Action/Version in, XML out.
import { clientError, type AwsError } from '../errors.ts';
import type { ModelIndex } from '../models/model-index.ts';
import type { OperationModel } from '../models/types.ts';
import { formParams } from './form.ts';
import { decodeQuery, type QueryFlavor } from './query-codec.ts';
import type { DecodedCall, RawRequest, RawResponse, WireProtocol } from './wire.ts';
import { escapeXml, writeMembers } from './xml-writer.ts';

const XML_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n';

export class QueryProtocol implements WireProtocol {
  readonly name: 'awsQuery' | 'ec2Query';
  readonly #flavor: QueryFlavor;

  constructor(flavor: QueryFlavor) {
    this.#flavor = flavor;
    this.name = flavor === 'ec2' ? 'ec2Query' : 'awsQuery';
  }

  readCall(model: ModelIndex, request: RawRequest): DecodedCall {
    const params = formParams(request);
    const action = params.get('Action') ?? '';
    const operation = model.operation(action);
    if (!operation) {
      throw clientError('InvalidAction', `The action ${action || '(none)'} is not valid for this web service.`);
    }
    if (!operation.input) return { operation, input: {}, mismatches: [] };
    const { value, mismatches } = decodeQuery(model, operation.input, params, this.#flavor);
    return { operation, input: value, mismatches };
  }

  writeOutput(model: ModelIndex, operation: OperationModel, output: unknown, requestId: string): RawResponse {
    const ns = namespace(model);
    const body = operation.output ? writeMembers(model, operation.output, output ?? {}, this.#flavor) : '';
    let xml: string;
    if (this.#flavor === 'ec2') {
      xml = `<${operation.name}Response xmlns="${ns}"><requestId>${requestId}</requestId>${body}</${operation.name}Response>`;
    } else {
      const result = operation.resultWrapper ? `<${operation.resultWrapper}>${body}</${operation.resultWrapper}>` : '';
      xml = `<${operation.name}Response xmlns="${ns}">${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation.name}Response>`;
    }
    return xmlResponse(200, requestId, xml);
  }

  writeError(error: AwsError, requestId: string, model?: ModelIndex): RawResponse {
    const code = escapeXml(error.code);
    const message = escapeXml(error.message);
    if (this.#flavor === 'ec2') {
      return xmlResponse(error.httpStatus, requestId,
        `<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`);
    }
    const ns = model ? ` xmlns="${namespace(model)}"` : '';
    const type = error.senderFault ? 'Sender' : 'Receiver';
    return xmlResponse(error.httpStatus, requestId,
      `<ErrorResponse${ns}><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`);
  }
}

function namespace(model: ModelIndex): string {
  const meta = model.metadata;
  // EC2's model omits the trailing slash its responses carry (http://ec2.amazonaws.com/doc/2016-11-15/).
  if (meta.xmlNamespace) return meta.xmlNamespace.endsWith('/') ? meta.xmlNamespace : `${meta.xmlNamespace}/`;
  return `http://${meta.endpointPrefix}.amazonaws.com/doc/${meta.apiVersion}/`;
}

function xmlResponse(status: number, requestId: string, xml: string): RawResponse {
  return { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body: XML_HEADER + xml };
}
