// Benchmark: image-build's second build of the same Dockerfile on a fresh runner, with the registry
// layer cache (`cache: true`: `buildah --layers --cache-from/--cache-to` in <repository>/build-cache)
// versus its peer in the same run, the same second build without the cache. Each build is the
// component's real job (Buildah, push to a docker-registry on 127.0.0.1, ECR's API from moto),
// timed by gitlab-ci-local ("finished in"); every job starts from empty image storage.
//   npm run bench -- image-build
import { join } from 'node:path';
import { secondBuildScenario } from '../components/image-build/scenarios.js';
import { Harness } from '../src/harness/harness.js';
import { stopRegistries } from '../src/harness/registry.js';
import { REPO_ROOT } from '../src/harness/tools.js';

/** The job's wall time as gitlab-ci-local reports it. */
function jobSeconds(trace: string): number {
  const m = /image-build finished in (?:([\d.]+) min )?([\d.]+) (m?s)/.exec(trace);
  if (!m) throw new Error('no "finished in" line in the trace');
  const minutes = Number(m[1] ?? 0);
  return minutes * 60 + (m[3] === 'ms' ? Number(m[2]) / 1000 : Number(m[2]));
}

const harness = await Harness.start({ templatesDir: join(REPO_ROOT, 'templates') });
try {
  const rows: Array<[string, number, number]> = [];
  for (const cache of [true, false]) {
    const out = await harness.run('image-build', secondBuildScenario(cache));
    if (!out.passed || !out.result)
      throw new Error(`the builds ${cache ? 'with' : 'without'} cache failed: ${out.failure}`);
    const [first, second] = out.result.runs;
    rows.push([
      cache ? 'registry cache (cache: true)' : 'no cache (peer)',
      jobSeconds(first!.trace),
      jobSeconds(second!.trace),
    ]);
    if (cache && !second!.trace.includes('Cache pulled from remote'))
      throw new Error('the second build with cache: true did not pull a layer from the registry cache');
  }
  console.log(`\n${'image-build job'.padEnd(32)}  ${'first build'.padStart(12)}  ${'second build'.padStart(12)}`);
  for (const [name, a, b] of rows)
    console.log(`${name.padEnd(32)}  ${`${a.toFixed(2)} s`.padStart(12)}  ${`${b.toFixed(2)} s`.padStart(12)}`);
  const [withCache, without] = [rows[0]![2], rows[1]![2]];
  console.log(
    `\nsecond build: ${withCache.toFixed(2)} s with the registry cache, ${without.toFixed(2)} s without ` +
      `(${((100 * (without - withCache)) / without).toFixed(0)}% less)`,
  );
} finally {
  await harness.stop();
  stopRegistries();
}
