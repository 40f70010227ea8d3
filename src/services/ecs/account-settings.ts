// ECS account settings: PutAccountSetting, PutAccountSettingDefault, DeleteAccountSetting,
// ListAccountSettings, and the effective value other operations read (CreateCluster's containerInsights).
//
// A setting is set for one principal (a user, a role, or the root user); the root user's setting
// is the account default. The effective value for a principal is its own setting, else the
// root user's, else AWS's default (Developer Guide, "Account settings").
import type {
  DeleteAccountSettingRequest,
  DeleteAccountSettingResponse,
  ListAccountSettingsRequest,
  ListAccountSettingsResponse,
  PutAccountSettingDefaultRequest,
  PutAccountSettingDefaultResponse,
  PutAccountSettingRequest,
  PutAccountSettingResponse,
  Setting,
  SettingName,
} from '@aws-sdk/client-ecs';
import type { RequestContext } from '../../aws/context.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import { InvalidParameterException } from './errors.ts';
import { pageLimit, pageOfList } from './pages.ts';
import { partitionOf } from './task-definition-reference.ts';

export interface AccountSettingRecord {
  name: SettingName;
  value: string;
  principalArn: string;
}

declare module '../../store/store.ts' {
  interface ResourceKinds {
    'ecs.account-setting': AccountSettingRecord;
  }
}

interface SettingRule {
  /** AWS's value when nobody set one. */
  fallback: string;
  values: readonly string[];
  /** `aws_managed`: read-only, GuardDuty sets it (Setting.type in the ECS model). */
  type: 'user' | 'aws_managed';
  /** Only the root user may set it (PutAccountSetting: "You must use the root user when you set the Fargate wait time"). */
  rootOnly?: boolean;
}

const ON_OFF = ['enabled', 'disabled'] as const;

/**
 * Every setting name of the model with its accepted values and default. Defaults: the long ARN
 * formats are on for every account since 2021-04-01 ("you can no longer opt out"); Container
 * Insights, trunking, FIPS mode and event windows are opt-in; tagResourceAuthorization is on;
 * the Fargate retirement wait is 7 days (PutAccountSetting: 0, 7 or 14); defaultLogDriverMode
 * became non-blocking on 2025-06-25; guardDutyActivate is off until GuardDuty turns it on.
 */
export const ACCOUNT_SETTING_RULES: Readonly<Record<SettingName, SettingRule>> = Object.freeze({
  awsvpcTrunking: { fallback: 'disabled', values: ON_OFF, type: 'user' },
  containerInsights: { fallback: 'disabled', values: ['enabled', 'disabled', 'enhanced'], type: 'user' },
  containerInstanceLongArnFormat: { fallback: 'enabled', values: ON_OFF, type: 'user' },
  defaultLogDriverMode: { fallback: 'non-blocking', values: ['blocking', 'non-blocking'], type: 'user' },
  fargateEventWindows: { fallback: 'disabled', values: ON_OFF, type: 'user' },
  fargateFIPSMode: { fallback: 'disabled', values: ON_OFF, type: 'user' },
  fargateTaskRetirementWaitPeriod: { fallback: '7', values: ['0', '7', '14'], type: 'user', rootOnly: true },
  guardDutyActivate: { fallback: 'off', values: ['on', 'off'], type: 'aws_managed' },
  serviceLongArnFormat: { fallback: 'enabled', values: ON_OFF, type: 'user' },
  tagResourceAuthorization: { fallback: 'on', values: ['on', 'off'], type: 'user' },
  taskLongArnFormat: { fallback: 'enabled', values: ON_OFF, type: 'user' },
});

/** Setting names in the order ListAccountSettings shows them (alphabetical, as in AWS's CLI example). */
const SETTING_NAMES = (Object.keys(ACCOUNT_SETTING_RULES) as SettingName[]).sort();

/** Verified: aws-cli #3785 (PutAccountSetting) and terraform-provider-aws #32114 (PutAccountSettingDefault). */
const INVALID_VALUE_MESSAGE = "Invalid setting 'value'";

/** `arn:aws:iam::<account>:root`, the principal of account-wide defaults. */
export function rootPrincipalArn(ctx: RequestContext): string {
  return `arn:${partitionOf(ctx.region)}:iam::${ctx.principal.accountId}:root`;
}

/** The principal a setting without principalArn applies to: the caller, or for a role session its role. */
function callerPrincipalArn(ctx: RequestContext): string {
  if (ctx.principal.kind === 'root') return rootPrincipalArn(ctx);
  if (ctx.principal.kind === 'assumed-role' && ctx.principal.roleArn) return ctx.principal.roleArn;
  return ctx.principal.arn;
}

const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):(root|user\/.+|role\/.+)$/;

/** principalArn must be an IAM user, role or root ARN of the caller's account. */
function principalOf(principalArn: string | undefined, ctx: RequestContext): string {
  if (principalArn === undefined) return callerPrincipalArn(ctx);
  const m = PRINCIPAL_ARN.exec(principalArn);
  if (!m || m[1] !== ctx.principal.accountId) {
    // Not verified: Berth's text.
    throw new InvalidParameterException("Invalid principal 'principalArn': specify the ARN of a user, a role or the root user of this account.");
  }
  return m[2] === 'root' ? rootPrincipalArn(ctx) : principalArn;
}

function checkWritable(name: SettingName, value: string | undefined, principalArn: string, ctx: RequestContext): string {
  const rule = ACCOUNT_SETTING_RULES[name];
  if (rule.type === 'aws_managed') {
    // Not verified: Berth's text. The model: "guardDutyActivate ... is read-only in Amazon ECS".
    throw new InvalidParameterException(`The ${name} account setting is managed by Amazon GuardDuty and is read-only.`);
  }
  if (rule.rootOnly && principalArn !== rootPrincipalArn(ctx)) {
    // Not verified: Berth's text for the documented rule.
    throw new InvalidParameterException(`The ${name} account setting can only be set for the root user.`);
  }
  if (value !== undefined && !rule.values.includes(value)) throw new InvalidParameterException(INVALID_VALUE_MESSAGE);
  return value ?? '';
}

function settingId(principalArn: string, name: string): string {
  return `${principalArn}|${name}`;
}

function view(record: AccountSettingRecord): Setting {
  return { name: record.name, value: record.value, principalArn: record.principalArn, type: ACCOUNT_SETTING_RULES[record.name].type };
}

async function put(tx: StoreTx, scope: Scope, record: AccountSettingRecord): Promise<void> {
  await tx.put('ecs.account-setting', scope, { id: settingId(record.principalArn, record.name), name: record.name, parent: record.principalArn, body: record });
}

/** The setting that applies to `principalArn`: its own, else the account default, else AWS's. */
async function effective(tx: StoreTx, scope: Scope, name: SettingName, principalArn: string, rootArn: string): Promise<AccountSettingRecord> {
  const own = await tx.get('ecs.account-setting', scope, settingId(principalArn, name));
  if (own) return own;
  const accountDefault = await tx.get('ecs.account-setting', scope, settingId(rootArn, name));
  return accountDefault ?? { name, value: ACCOUNT_SETTING_RULES[name].fallback, principalArn: rootArn };
}

/** The value of a setting for the caller, as operations that follow account settings read it. */
export async function effectiveAccountSetting(tx: StoreTx, ctx: RequestContext, name: SettingName): Promise<string> {
  return (await effective(tx, regionalScope(ctx), name, callerPrincipalArn(ctx), rootPrincipalArn(ctx))).value;
}

export function accountSettingOperations(deps: ServiceDeps) {
  return {
    PutAccountSetting: async (input: PutAccountSettingRequest, ctx) => {
      const name = input.name as SettingName;
      const principalArn = principalOf(input.principalArn, ctx);
      const value = checkWritable(name, input.value, principalArn, ctx);
      const record = { name, value, principalArn };
      await deps.store.write((tx) => put(tx, regionalScope(ctx), record));
      return { setting: view(record) };
    },

    PutAccountSettingDefault: async (input: PutAccountSettingDefaultRequest, ctx) => {
      const name = input.name as SettingName;
      const principalArn = rootPrincipalArn(ctx);
      const value = checkWritable(name, input.value, principalArn, ctx);
      const record = { name, value, principalArn };
      await deps.store.write((tx) => put(tx, regionalScope(ctx), record));
      return { setting: view(record) };
    },

    DeleteAccountSetting: async (input: DeleteAccountSettingRequest, ctx) => {
      const name = input.name as SettingName;
      const principalArn = principalOf(input.principalArn, ctx);
      checkWritable(name, undefined, principalArn, ctx);
      const scope = regionalScope(ctx);
      return deps.store.write(async (tx) => {
        const id = settingId(principalArn, name);
        const existing = await tx.get('ecs.account-setting', scope, id);
        if (existing) {
          await tx.delete('ecs.account-setting', scope, id);
          return { setting: view(existing) };
        }
        // Not verified: with nothing to delete, Berth answers the value that now applies to the principal.
        const now = await effective(tx, scope, name, principalArn, rootPrincipalArn(ctx));
        return { setting: view({ ...now, principalArn }) };
      });
    },

    ListAccountSettings: async (input: ListAccountSettingsRequest, ctx) => {
      if (input.value !== undefined && input.name === undefined) {
        // The model: "You must also specify an account setting name to use this parameter." Not verified: Berth's text.
        throw new InvalidParameterException('You must also specify an account setting name to filter by value.');
      }
      const limit = pageLimit(input.maxResults, 10);
      const principalArn = principalOf(input.principalArn, ctx);
      const rootArn = rootPrincipalArn(ctx);
      const scope = regionalScope(ctx);
      const names = input.name ? [input.name] : SETTING_NAMES;
      const settings = await deps.store.read(async (tx) => {
        const out: AccountSettingRecord[] = [];
        for (const name of names) {
          const record = input.effectiveSettings
            ? await effective(tx, scope, name, principalArn, rootArn)
            : await tx.get('ecs.account-setting', scope, settingId(principalArn, name));
          if (record && (input.value === undefined || record.value === input.value)) out.push(record);
        }
        return out;
      });
      const page = pageOfList(settings, (s) => s.name, input.nextToken, limit);
      return { settings: page.items.map(view), nextToken: page.nextToken };
    },
  } satisfies ServiceOperations<{
    PutAccountSetting: [PutAccountSettingRequest, PutAccountSettingResponse];
    PutAccountSettingDefault: [PutAccountSettingDefaultRequest, PutAccountSettingDefaultResponse];
    DeleteAccountSetting: [DeleteAccountSettingRequest, DeleteAccountSettingResponse];
    ListAccountSettings: [ListAccountSettingsRequest, ListAccountSettingsResponse];
  }>;
}
