import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'components/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // vitest's default is one worker fewer than the CPUs: one on a 2-core CI machine, where the
    // scenario slices then run one after another. Their jobs are child processes (gitlab-ci-local,
    // bash, the AWS CLI, moto), so two workers keep both cores busy: 1.56x on oidc-auth's scenarios.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
