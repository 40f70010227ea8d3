// A seed lab's shell for the labs that run real tasks: the variables the reader exported, seed lines
// run by /bin/sh with them, `VAR=$(…)` captures, and what the seeds take as given and the test must
// make first with the same CLI — a VPC with subnets and an internet gateway, an ECR repository with
// the lab's image pushed (the `docker push` of seed 001, done over the registry protocol).
import assert from 'node:assert/strict';
import { pushLayoutImage } from '../seed-labs-support.ts';
import type { TestImageTag } from '../../images/test-images.ts';
import type { CliResult } from './aws-cli.ts';
import { captured, ok, transcript } from './expect.ts';
import type { Lab } from './lab.ts';

export class LabShell {
  readonly lab: Lab;
  /** The shell's exported variables: every seed line runs with them. */
  readonly vars: Record<string, string> = {};
  /** Task ARNs this lab's services ran (for the leftover check and a cleanup after a failure). */
  readonly taskArns = new Set<string>();
  readonly #registryUrl: string;
  readonly #layoutDir: string;

  constructor(lab: Lab, registryUrl: string, layoutDir: string) {
    this.lab = lab;
    this.#registryUrl = registryUrl;
    this.#layoutDir = layoutDir;
  }

  /** `export NAME=value` (also what lab.step's `needs` look for). */
  export(name: string, value: string): void {
    this.vars[name] = value;
    this.lab.set(name, value);
  }

  /** A seed line (or lines), verbatim, run by /bin/sh with the exported variables. */
  sh(script: string): Promise<CliResult> {
    return this.lab.cli.sh(script, this.vars);
  }

  /** `NAME=$(…)`: runs the command substitution's text and exports what it printed; returns it. */
  async capture(name: string, script: string): Promise<string> {
    const value = captured(await this.sh(script));
    assert.ok(value !== '' && value !== 'None', `${name} is empty\n$ ${script}`);
    this.export(name, value);
    return value;
  }

  /** Runs `script` until it succeeds, while it fails with DependencyViolation (an ENI still being released), for at most 30 s. */
  async whenReleased(script: string): Promise<CliResult> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const r = await this.sh(script);
      if (r.code === 0 || !r.stderr.includes('DependencyViolation') || Date.now() > deadline) return ok(r);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }

  /**
   * The VPC the seeds assume ("a VPC with public and private subnets"), typed with the CLI: `cidr` is a /18 of
   * this test's own range, and each subnet a /24 at `third` (third octet offset) in `zone`. Exports VPC_ID, the
   * subnets under the given names, and IGW_ID (attached: public IPs and internet-facing ALBs need one).
   */
  async createVpc(cidr: string, subnets: Record<string, { third: number; zone: string }>): Promise<void> {
    await this.capture('VPC_ID', `aws ec2 create-vpc --cidr-block ${cidr} --query 'Vpc.VpcId' --output text`);
    const [a, b, c] = cidr.split('.');
    for (const [name, { third, zone }] of Object.entries(subnets)) {
      await this.capture(name, `aws ec2 create-subnet --vpc-id "$VPC_ID" --cidr-block ${a}.${b}.${Number(c) + third}.0/24 --availability-zone ${zone} --query 'Subnet.SubnetId' --output text`);
    }
    await this.capture('IGW_ID', "aws ec2 create-internet-gateway --query 'InternetGateway.InternetGatewayId' --output text");
    ok(await this.sh('aws ec2 attach-internet-gateway --internet-gateway-id "$IGW_ID" --vpc-id "$VPC_ID"'));
  }

  /** Deletes what createVpc made, once the lab has released its addresses. */
  async deleteVpc(subnets: readonly string[]): Promise<void> {
    ok(await this.sh('aws ec2 detach-internet-gateway --internet-gateway-id "$IGW_ID" --vpc-id "$VPC_ID"'));
    ok(await this.sh('aws ec2 delete-internet-gateway --internet-gateway-id "$IGW_ID"'));
    for (const name of subnets) await this.whenReleased(`aws ec2 delete-subnet --subnet-id "$${name}"`);
    ok(await this.sh('aws ec2 delete-vpc --vpc-id "$VPC_ID"'));
  }

  /** `aws ecr create-repository`, then the test image pushed as `repository:tag` (what `docker push` does). */
  async pushImage(image: TestImageTag, repository: string, tag: string): Promise<void> {
    const r = await this.sh(`aws ecr create-repository --repository-name ${repository} --query 'repository.repositoryUri' --output text`);
    // Berth's registry address (repositoryUri names where a client pushes; task definitions name ECR as AWS does).
    assert.ok(captured(r).endsWith(`/${repository}`), transcript(r));
    await pushLayoutImage(this.#registryUrl, this.#layoutDir, image, repository, tag);
    this.export('IMAGE', `${repository}:${tag}`);
  }

  /** The service's tasks (desired RUNNING and STOPPED), remembered for the leftover check. */
  async rememberTasks(cluster: string, service: string): Promise<string[]> {
    const arns: string[] = [];
    for (const status of ['RUNNING', 'STOPPED']) {
      const r = await this.lab.cli.aws('ecs', 'list-tasks', '--cluster', cluster, '--service-name', service, '--desired-status', status, '--query', 'taskArns', '--output', 'json');
      arns.push(...JSON.parse(ok(r).stdout) as string[]);
    }
    for (const arn of arns) this.taskArns.add(arn);
    return arns;
  }

  /** After a failure: scale the service to 0 and delete it, so no task outlives the test's server (best effort). */
  async abandon(cluster: string, service: string): Promise<void> {
    await this.lab.cli.aws('ecs', 'update-service', '--cluster', cluster, '--service', service, '--desired-count', '0');
    await this.lab.cli.aws('ecs', 'delete-service', '--cluster', cluster, '--service', service, '--force');
    for (const arn of this.taskArns) await this.lab.cli.aws('ecs', 'stop-task', '--cluster', cluster, '--task', arn);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const r = await this.lab.cli.aws('ecs', 'list-tasks', '--cluster', cluster, '--query', 'length(taskArns)', '--output', 'text');
      if (r.code !== 0 || r.stdout.trim() === '0') return;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}
