// Checks every ECS error class against the exception shapes of AWS's ECS model (botocore).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { AwsError } from '../../aws/errors.ts';
import { ClusterNotFoundException, ECS_ERROR_SHAPES, ServerException, ServiceNotActiveException } from './errors.ts';

interface ModelShape {
  exception?: boolean;
  fault?: boolean;
  error?: { code?: string; httpStatusCode?: number };
}

/** botocore's ECS model: BOTOCORE_DATA names a data folder, otherwise ask python3 where botocore lives. */
function findEcsModel(): string | undefined {
  const relative = 'ecs/2014-11-13/service-2.json.gz';
  const candidates: string[] = [];
  const fromEnv = process.env['BOTOCORE_DATA'];
  if (fromEnv) candidates.push(join(fromEnv, relative));
  try {
    const dir = execFileSync('python3', ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__))'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    candidates.push(join(dir, 'data', relative));
  } catch {
    // no python3 or no botocore: the model tests are skipped below
  }
  return candidates.find((p) => existsSync(p));
}

function loadExceptionShapes(path: string): Map<string, ModelShape> {
  const model = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as { shapes: Record<string, ModelShape> };
  return new Map(Object.entries(model.shapes).filter(([, s]) => s.exception === true));
}

const modelPath = findEcsModel();
const skip = modelPath === undefined && 'botocore ECS model not found';

void test('every ECS error class is an exception shape of the model, coded by its name, 400 unless the model says fault', { skip }, () => {
  const shapes = loadExceptionShapes(modelPath as string);
  for (const [shapeName, ErrorClass] of Object.entries(ECS_ERROR_SHAPES)) {
    const shape = shapes.get(shapeName);
    assert.ok(shape, `${shapeName} is an exception shape in the ECS model`);
    // awsJson1_1: no error trait means the code is the shape name and the status is 400/500.
    assert.equal(shape.error?.code, undefined, `${shapeName} has no custom wire code`);
    const err = new ErrorClass('m');
    assert.ok(err instanceof AwsError);
    assert.equal(err.code, shapeName);
    assert.equal(err.name, shapeName);
    assert.equal(err.message, 'm');
    const fault = shape.fault === true;
    assert.equal(err.senderFault, !fault, `${shapeName} senderFault`);
    assert.equal(err.httpStatus, fault ? 500 : 400, `${shapeName} status`);
  }
});

void test('the classes cover every exception shape of the ECS model', { skip }, () => {
  const shapes = loadExceptionShapes(modelPath as string);
  const covered = new Set(Object.keys(ECS_ERROR_SHAPES));
  assert.deepEqual([...shapes.keys()].filter((s) => !covered.has(s)), []);
});

void test('the not-found and not-active errors default to AWS\'s fixed texts', () => {
  assert.equal(new ClusterNotFoundException().message, 'Cluster not found.');
  assert.equal(new ServiceNotActiveException().message, 'Service was not ACTIVE.');
  assert.equal(new ECS_ERROR_SHAPES.ServiceNotFoundException().message, 'Service not found.');
});

void test('ServerException is the service\'s fault, 500', () => {
  const err = new ServerException('boom');
  assert.equal(err.httpStatus, 500);
  assert.equal(err.senderFault, false);
});
