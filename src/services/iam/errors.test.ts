// Checks every IAM error class against the error shapes of AWS's IAM model (botocore).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { AwsError } from '../../aws/errors.ts';
import { IAM_ERROR_SHAPES, ValidationError } from './errors.ts';

interface ErrorTrait {
  code: string;
  httpStatusCode: number;
  senderFault?: boolean;
}
interface ModelShape {
  exception?: boolean;
  error?: ErrorTrait;
}

/** botocore's IAM model: BOTOCORE_DATA names a data folder, otherwise ask python3 where botocore lives. */
function findIamModel(): string | undefined {
  const fromEnv = process.env['BOTOCORE_DATA'];
  const candidates: string[] = [];
  if (fromEnv) candidates.push(join(fromEnv, 'iam/2010-05-08/service-2.json.gz'));
  try {
    const dir = execFileSync('python3', ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__))'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    candidates.push(join(dir, 'data/iam/2010-05-08/service-2.json.gz'));
  } catch {
    // no python3 or no botocore: the model test is skipped below
  }
  return candidates.find((p) => existsSync(p));
}

function loadErrorShapes(path: string): Map<string, ModelShape> {
  const model = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as { shapes: Record<string, ModelShape> };
  return new Map(Object.entries(model.shapes).filter(([, s]) => s.exception === true));
}

const modelPath = findIamModel();

void test('every IAM error class carries the code, HTTP status and fault side of its model shape', { skip: modelPath === undefined && 'botocore IAM model not found' }, () => {
  const shapes = loadErrorShapes(modelPath as string);
  for (const [shapeName, ErrorClass] of Object.entries(IAM_ERROR_SHAPES)) {
    const shape = shapes.get(shapeName);
    assert.ok(shape?.error, `${shapeName} is an error shape with an error trait in the IAM model`);
    const err = new ErrorClass('m');
    assert.ok(err instanceof AwsError);
    assert.equal(err.code, shape.error.code, `${shapeName} code`);
    assert.equal(err.httpStatus, shape.error.httpStatusCode, `${shapeName} status`);
    assert.equal(err.senderFault, shape.error.senderFault === true, `${shapeName} senderFault`);
    assert.equal(err.name, shape.error.code);
    assert.equal(err.message, 'm');
  }
});

void test('the classes cover every error shape that role, policy, user and access-key operations declare', { skip: modelPath === undefined && 'botocore IAM model not found' }, () => {
  const model = JSON.parse(gunzipSync(readFileSync(modelPath as string)).toString('utf8')) as {
    operations: Record<string, { errors?: { shape: string }[] }>;
  };
  const families = /Role|Polic|User|AccessKey|InstanceProfile|Group/;
  const declared = new Set<string>();
  for (const [name, op] of Object.entries(model.operations)) {
    if (!families.test(name)) continue;
    for (const e of op.errors ?? []) declared.add(e.shape);
  }
  const covered = new Set(Object.keys(IAM_ERROR_SHAPES));
  const missing = [...declared].filter((s) => !covered.has(s));
  assert.deepEqual(missing, []);
});

void test('ValidationError is the Query protocols\' 400 sender error', () => {
  const err = new ValidationError('1 validation error detected');
  assert.equal(err.code, 'ValidationError');
  assert.equal(err.httpStatus, 400);
  assert.equal(err.senderFault, true);
});

void test('ServiceFailure defaults to the model\'s documented message', () => {
  const err = new IAM_ERROR_SHAPES.ServiceFailureException();
  assert.equal(err.message, 'The request processing has failed because of an unknown error, exception or failure.');
  assert.equal(err.httpStatus, 500);
});
