// Checks every ELBv2 error class against the error shapes of the extracted ELBv2 model.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModelIndex } from '../../aws/models/model-index.ts';
import { ELBV2_ERROR_SHAPES } from './errors.ts';

void test('every ELBv2 error class carries the code, HTTP status and fault side of its model shape', () => {
  const model = ModelIndex.load('elbv2');
  for (const [shapeName, ErrorClass] of Object.entries(ELBV2_ERROR_SHAPES)) {
    const trait = model.errorTrait(shapeName);
    assert.ok(trait, `${shapeName} is an error shape of the ELBv2 model`);
    const error = new ErrorClass('m');
    assert.equal(error.code, trait.code, `${shapeName} code`);
    assert.equal(error.httpStatus, trait.httpStatus, `${shapeName} status`);
    assert.equal(error.senderFault, trait.senderFault, `${shapeName} fault`);
    assert.equal(error.message, 'm');
  }
});
