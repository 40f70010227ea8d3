// The facts Berth keeps from AWS's published API models (botocore's service-2.json), and nothing else.

export type ShapeType =
  | 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'float' | 'double'
  | 'boolean' | 'timestamp' | 'blob';

export type Protocol = 'json' | 'query' | 'ec2' | 'rest-json' | 'rest-xml' | 'smithy-rpc-v2-cbor';

export interface MemberRef {
  shape: string;
  locationName?: string;
  /** EC2 protocol: the request key, overriding locationName. */
  queryName?: string;
  flattened?: boolean;
  xmlNamespace?: string;
  xmlAttribute?: boolean;
  timestampFormat?: TimestampFormat;
  /** REST protocols: where the member travels (header, uri, querystring). */
  location?: string;
}

export type TimestampFormat = 'iso8601' | 'unixTimestamp' | 'rfc822';

export interface ErrorTrait {
  code?: string;
  httpStatusCode?: number;
  senderFault?: boolean;
}

export interface Shape {
  type: ShapeType;
  members?: Record<string, MemberRef>;
  required?: string[];
  member?: MemberRef;
  key?: MemberRef;
  value?: MemberRef;
  enum?: string[];
  min?: number;
  max?: number;
  /** A Java-flavoured regular expression the whole string must match. */
  pattern?: string;
  flattened?: boolean;
  locationName?: string;
  timestampFormat?: TimestampFormat;
  exception?: boolean;
  error?: ErrorTrait;
  sensitive?: boolean;
  /** A structure of which exactly one member may be set. */
  union?: boolean;
  /** structure members that hold the payload (REST). */
  payload?: string;
}

export interface OperationModel {
  name: string;
  http?: { method: string; requestUri: string; responseCode?: number };
  input?: string;
  output?: string;
  /** Query protocols: the element that wraps the output (`CreateRoleResult`). */
  resultWrapper?: string;
  errors: string[];
}

export interface ServiceMetadata {
  apiVersion: string;
  endpointPrefix: string;
  protocol: Protocol;
  protocols?: Protocol[];
  jsonVersion?: string;
  targetPrefix?: string;
  signingName?: string;
  serviceId: string;
  xmlNamespace?: string;
  awsQueryCompatible?: boolean;
}

export interface ServiceModel {
  metadata: ServiceMetadata;
  operations: Record<string, OperationModel>;
  shapes: Record<string, Shape>;
}
