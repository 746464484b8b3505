// The fault proxy in front of real moto, driven by the AWS SDK: the shapes an ECS deploy
// component relies on (rollout states, throttling, AccessDenied) and the request log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startMoto, type MotoServer } from '../../src/harness/moto.js';
import { faults, startFaultProxy, type FaultProxy } from '../../src/harness/fault-proxy.js';

let moto: MotoServer;
let proxy: FaultProxy;
const cfg = () => ({
  endpoint: proxy.endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  forcePathStyle: true,
  maxAttempts: 1,
});

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startFaultProxy(moto.endpoint);
});
afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
});

async function ecsService(ecs: ECSClient): Promise<void> {
  await ecs.send(new CreateClusterCommand({ clusterName: 'c' }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'web',
      containerDefinitions: [{ name: 'web', image: 'nginx', memory: 128 }],
    }),
  );
  await ecs.send(
    new CreateServiceCommand({ cluster: 'c', serviceName: 'web', taskDefinition: 'web', desiredCount: 2 }),
  );
}

describe('fault proxy over moto', () => {
  it('moves an ECS rollout from IN_PROGRESS to FAILED after N polls', async () => {
    await moto.reset();
    proxy.reset([faults.ecsRollout({ state: 'FAILED', inProgressPolls: 2 })]);
    const ecs = new ECSClient(cfg());
    await ecsService(ecs);
    const states: Array<string | undefined> = [];
    for (let i = 0; i < 3; i++) {
      const out = await ecs.send(new DescribeServicesCommand({ cluster: 'c', services: ['web'] }));
      states.push(out.services?.[0]?.deployments?.find((d) => d.status === 'PRIMARY')?.rolloutState);
    }
    expect(states).toEqual(['IN_PROGRESS', 'IN_PROGRESS', 'FAILED']);
    expect(proxy.counts()['ecs:DescribeServices']).toBe(3);
    expect(proxy.counts()['ecs:CreateService']).toBe(1);
  });

  it('COMPLETED brings runningCount up to desiredCount', async () => {
    await moto.reset();
    proxy.reset([faults.ecsRollout({ state: 'COMPLETED' })]);
    const ecs = new ECSClient(cfg());
    await ecsService(ecs);
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster: 'c', services: ['web'] }))).services![0]!;
    expect(svc.deployments?.[0]?.rolloutState).toBe('COMPLETED');
    expect(svc.runningCount).toBe(2);
  });

  it('answers throttling and AccessDenied in the shapes the SDK parses', async () => {
    await moto.reset();
    proxy.reset([
      faults.throttle('CreateCluster', { times: 1 }),
      faults.accessDenied('PutObject', { message: 'no s3:PutObject on www' }),
    ]);
    const ecs = new ECSClient(cfg());
    await expect(ecs.send(new CreateClusterCommand({ clusterName: 'c' }))).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    await expect(ecs.send(new CreateClusterCommand({ clusterName: 'c' }))).resolves.toBeDefined();
    const s3 = new S3Client(cfg());
    await s3.send(new CreateBucketCommand({ Bucket: 'www' }));
    await expect(s3.send(new PutObjectCommand({ Bucket: 'www', Key: 'k', Body: 'x' }))).rejects.toMatchObject({
      name: 'AccessDenied',
      message: 'no s3:PutObject on www',
    });
    expect(proxy.calls.map((c) => [c.action, c.status, c.fault])).toEqual([
      ['CreateCluster', 400, 'throttle:CreateCluster'],
      ['CreateCluster', 200, undefined],
      ['CreateBucket', 200, undefined],
      ['PutObject', 403, 'access-denied:PutObject'],
    ]);
  });
});
