// A listener whose port cannot be bound (here: something else already listens on port 80 of the load balancer
// address, as a user's own web server would; without root it would be EACCES) listens on another port, and
// DescribeLoadBalancers' DNSName says which: `name:port`, so `curl http://$ALB_DNS/` still reaches it.
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import { CreateListenerCommand, CreateLoadBalancerCommand, DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { EC2Client } from '@aws-sdk/client-ec2';
import { startTestServer, type TestServer } from './harness.ts';
import { createTestVpc } from './elbv2-support.ts';

const HOST = '127.71.80.1';
let server: TestServer;
let squatter: Server;

before(async () => {
  squatter = createServer((_req, res) => res.end('not the load balancer'));
  await new Promise<void>((resolve, reject) => {
    squatter.once('error', reject);
    squatter.listen(80, HOST, resolve);
  });
  server = await startTestServer({ loadBalancerHost: HOST });
});
after(async () => {
  await server.stop();
  await new Promise((resolve) => squatter.close(resolve));
});

function get(port: number, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: HOST, port, path: '/', headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; }).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject).end();
  });
}

test('port 80 taken: the listener takes another port and DescribeLoadBalancers\' DNSName names it', async () => {
  const elb = new ElasticLoadBalancingV2Client(server.clientConfig);
  const ec2 = new EC2Client(server.clientConfig);
  const vpc = await createTestVpc(ec2, 9);
  const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'squatted', Subnets: vpc.subnets, SecurityGroups: [vpc.securityGroupId] }))).LoadBalancers?.[0]
    ?? assert.fail('CreateLoadBalancer returned no load balancer');
  const plain = lb.DNSName ?? assert.fail('no DNSName');
  await elb.send(new CreateListenerCommand({
    LoadBalancerArn: lb.LoadBalancerArn, Protocol: 'HTTP', Port: 80,
    DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', ContentType: 'text/plain', MessageBody: 'from berth' } }],
  }));
  let dnsName = plain;
  for (let i = 0; i < 100 && dnsName === plain; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    dnsName = (await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [lb.LoadBalancerArn ?? ''] }))).LoadBalancers?.[0]?.DNSName ?? '';
  }
  const match = /^(.+):(\d+)$/.exec(dnsName);
  assert.ok(match, `DNSName never named another port: ${dnsName}`);
  assert.equal(match[1], plain);
  const port = Number(match[2]);
  assert.notEqual(port, 80);
  assert.deepEqual(await get(port, dnsName), { status: 200, body: 'from berth' });
  assert.equal((await get(80, plain)).body, 'not the load balancer', 'port 80 is still the other program\'s');
  elb.destroy();
  ec2.destroy();
});
