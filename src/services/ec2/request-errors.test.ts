// EC2's wording of model violations: MissingParameter for an absent required member, else InvalidParameterValue.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeViolations, type Violation } from '../../aws/models/validate.ts';
import { ec2InvalidInput } from './request-errors.ts';

const missing = (path: string): Violation => ({ path, constraint: 'Member must not be null', value: undefined });

test('an absent required member is MissingParameter naming it', () => {
  const error = ec2InvalidInput([missing('vpcId')]);
  assert.equal(error.code, 'MissingParameter');
  assert.equal(error.message, 'The request must contain the parameter vpcId');
  assert.equal(error.httpStatus, 400);
});

test('other violations, and members missing deeper in the input, are InvalidParameterValue with the full text', () => {
  const range: Violation[] = [{ path: 'maxResults', constraint: 'Member must have value greater than or equal to 5', value: 3 }];
  assert.equal(ec2InvalidInput(range).code, 'InvalidParameterValue');
  assert.equal(ec2InvalidInput(range).message, describeViolations(range));
  assert.equal(ec2InvalidInput([missing('securityGroupRules.1.member.securityGroupRuleId')]).code, 'InvalidParameterValue');
});

test('with several violations the first decides', () => {
  const violations: Violation[] = [missing('groupId'), { path: 'maxResults', constraint: 'Member must have value greater than or equal to 5', value: 3 }];
  assert.equal(ec2InvalidInput(violations).message, 'The request must contain the parameter groupId');
});
