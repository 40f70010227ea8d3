// ECS account settings through the official SDK: AWS's defaults, per-principal settings, the
// root user's account default, effective settings, pagination, and the effect on CreateCluster.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateClusterCommand,
  DeleteAccountSettingCommand,
  ECSClient,
  ListAccountSettingsCommand,
  PutAccountSettingCommand,
  PutAccountSettingDefaultCommand,
  type PutAccountSettingCommandInput,
} from '@aws-sdk/client-ecs';
import { rejects } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';

const ROOT = 'arn:aws:iam::123456789012:root';
const USER = 'arn:aws:iam::123456789012:user/MyUser';

let server: TestServer;
let ecs: ECSClient;
before(async () => {
  server = await startTestServer();
  ecs = new ECSClient(server.clientConfig);
});
after(async () => {
  ecs.destroy();
  await server.stop();
});

test('effective settings start at AWS defaults, one page of 10 and a second of 1', async () => {
  const first = await ecs.send(new ListAccountSettingsCommand({ effectiveSettings: true }));
  assert.equal(first.settings?.length, 10);
  assert.ok(first.nextToken);
  const second = await ecs.send(new ListAccountSettingsCommand({ effectiveSettings: true, nextToken: first.nextToken }));
  assert.equal(second.nextToken, undefined);
  const all = Object.fromEntries([...(first.settings ?? []), ...(second.settings ?? [])].map((s): [string, string | undefined] => [s.name ?? '', s.value]));
  assert.deepEqual(all, {
    awsvpcTrunking: 'disabled',
    containerInsights: 'disabled',
    containerInstanceLongArnFormat: 'enabled',
    defaultLogDriverMode: 'non-blocking',
    fargateEventWindows: 'disabled',
    fargateFIPSMode: 'disabled',
    fargateTaskRetirementWaitPeriod: '7',
    guardDutyActivate: 'off',
    serviceLongArnFormat: 'enabled',
    tagResourceAuthorization: 'on',
    taskLongArnFormat: 'enabled',
  });
  assert.ok(first.settings?.every((s) => s.principalArn === ROOT));
  const without = await ecs.send(new ListAccountSettingsCommand({}));
  assert.deepEqual(without.settings, []);
});

test('PutAccountSetting for a user, listed for that user, then deleted (aws-cli examples)', async () => {
  const put = await ecs.send(new PutAccountSettingCommand({ name: 'serviceLongArnFormat', value: 'enabled', principalArn: USER }));
  assert.deepEqual(put.setting, { name: 'serviceLongArnFormat', value: 'enabled', principalArn: USER, type: 'user' });
  const listed = await ecs.send(new ListAccountSettingsCommand({ principalArn: USER }));
  assert.deepEqual(listed.settings?.map((s) => [s.name, s.value, s.principalArn]), [['serviceLongArnFormat', 'enabled', USER]]);
  const deleted = await ecs.send(new DeleteAccountSettingCommand({ name: 'serviceLongArnFormat', principalArn: USER }));
  assert.deepEqual(deleted.setting, { name: 'serviceLongArnFormat', value: 'enabled', principalArn: USER, type: 'user' });
  const after = await ecs.send(new ListAccountSettingsCommand({ principalArn: USER }));
  assert.deepEqual(after.settings, []);
});

test('PutAccountSettingDefault sets the root user\'s value, which a user inherits unless they set their own', async () => {
  const put = await ecs.send(new PutAccountSettingDefaultCommand({ name: 'awsvpcTrunking', value: 'enabled' }));
  assert.deepEqual(put.setting, { name: 'awsvpcTrunking', value: 'enabled', principalArn: ROOT, type: 'user' });
  const inherited = await ecs.send(new ListAccountSettingsCommand({ name: 'awsvpcTrunking', principalArn: USER, effectiveSettings: true }));
  assert.deepEqual(inherited.settings?.map((s) => [s.value, s.principalArn]), [['enabled', ROOT]]);
  await ecs.send(new PutAccountSettingCommand({ name: 'awsvpcTrunking', value: 'disabled', principalArn: USER }));
  const own = await ecs.send(new ListAccountSettingsCommand({ name: 'awsvpcTrunking', principalArn: USER, effectiveSettings: true }));
  assert.deepEqual(own.settings?.map((s) => [s.value, s.principalArn]), [['disabled', USER]]);
  const filtered = await ecs.send(new ListAccountSettingsCommand({ name: 'awsvpcTrunking', value: 'enabled', effectiveSettings: true }));
  assert.deepEqual(filtered.settings?.map((s) => s.value), ['enabled']);
});

test('the containerInsights account default applies to new clusters unless the cluster sets its own', async () => {
  await ecs.send(new PutAccountSettingDefaultCommand({ name: 'containerInsights', value: 'enhanced' }));
  const inherited = await ecs.send(new CreateClusterCommand({ clusterName: 'insights' }));
  assert.deepEqual(inherited.cluster?.settings, [{ name: 'containerInsights', value: 'enhanced' }]);
  const own = await ecs.send(new CreateClusterCommand({ clusterName: 'no-insights', settings: [{ name: 'containerInsights', value: 'disabled' }] }));
  assert.deepEqual(own.cluster?.settings, [{ name: 'containerInsights', value: 'disabled' }]);
});

test('values are checked per setting, with AWS\'s "Invalid setting \'value\'"', async () => {
  await rejects(ecs.send(new PutAccountSettingCommand({ name: 'taskLongArnFormat', value: 'ENABLED' })), 'InvalidParameterException', "Invalid setting 'value'");
  await rejects(ecs.send(new PutAccountSettingDefaultCommand({ name: 'tagResourceAuthorization', value: 'enabled' })), 'InvalidParameterException', "Invalid setting 'value'");
  const on = await ecs.send(new PutAccountSettingDefaultCommand({ name: 'tagResourceAuthorization', value: 'off' }));
  assert.equal(on.setting?.value, 'off');
  const wait = await ecs.send(new PutAccountSettingDefaultCommand({ name: 'fargateTaskRetirementWaitPeriod', value: '14' }));
  assert.equal(wait.setting?.value, '14');
  await rejects(ecs.send(new PutAccountSettingDefaultCommand({ name: 'fargateTaskRetirementWaitPeriod', value: '3' })), 'InvalidParameterException');
  await rejects(ecs.send(new PutAccountSettingCommand({ name: 'fargateTaskRetirementWaitPeriod', value: '0', principalArn: USER })), 'InvalidParameterException');
  await rejects(ecs.send(new PutAccountSettingDefaultCommand({ name: 'guardDutyActivate', value: 'on' })), 'InvalidParameterException');
});

test('bad principals, a value filter without a name, bad paging and missing members are InvalidParameterException', async () => {
  await rejects(ecs.send(new PutAccountSettingCommand({ name: 'awsvpcTrunking', value: 'enabled', principalArn: 'arn:aws:iam::999999999999:user/X' })),
    'InvalidParameterException');
  await rejects(ecs.send(new ListAccountSettingsCommand({ value: 'enabled' })), 'InvalidParameterException');
  await rejects(ecs.send(new ListAccountSettingsCommand({ maxResults: 11 })), 'InvalidParameterException');
  await rejects(ecs.send(new ListAccountSettingsCommand({ effectiveSettings: true, nextToken: '%%%' })), 'InvalidParameterException');
  await rejects(ecs.send(new PutAccountSettingCommand({ name: 'awsvpcTrunking' } as PutAccountSettingCommandInput)), 'InvalidParameterException', /'value'/);
});
