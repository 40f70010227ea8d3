import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { MAX_INTERFACE_NAME_LENGTH } from '../platform/netlink.ts';
import { bridgeMac, bridgeName, hostVethName, isBridgeName, isHostVethName, namespaceName, taskIdOfNamespace } from './names.ts';

const hexString = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: min, maxLength: max });

test('interface names fit IFNAMSIZ and say whose they are', () => {
  fc.assert(fc.property(hexString(8, 17), hexString(32, 32), (vpcHex, taskId) => {
    const bridge = bridgeName(`vpc-${vpcHex}`);
    const veth = hostVethName(taskId);
    assert.ok(bridge.length <= MAX_INTERFACE_NAME_LENGTH && veth.length <= MAX_INTERFACE_NAME_LENGTH);
    assert.ok(isBridgeName(bridge) && !isHostVethName(bridge));
    assert.ok(isHostVethName(veth) && !isBridgeName(veth));
    assert.equal(taskIdOfNamespace(namespaceName(taskId)), taskId);
    assert.match(bridgeMac(`vpc-${vpcHex}`), /^02(:[0-9a-f]{2}){5}$/);
  }));
});

test('names refuse ids that are not AWS ids, and foreign namespaces are not tasks', () => {
  assert.throws(() => bridgeName('vpc-XYZ'), RangeError);
  assert.throws(() => namespaceName('../etc'), RangeError);
  assert.throws(() => hostVethName('short'), RangeError);
  assert.equal(taskIdOfNamespace('bth-x'), undefined);
  assert.equal(taskIdOfNamespace('docker-0123456789abcdef'), undefined);
});
