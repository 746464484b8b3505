// Benchmark: image-build's second build of the same Dockerfile on a fresh runner, with the registry
// layer cache (`cache: true`: `buildah --layers --cache-from/--cache-to` in <repository>/build-cache)
// versus its peer in the same run, the same second build without the cache; once with an expensive
// step (what the cache is for) and once with a cheap one (what the cache itself costs). Each build is the
// component's real job (Buildah, push to a docker-registry on 127.0.0.1, ECR's API from moto); every
// job starts from empty image storage. Reported: the build step (the job's own "built in" line) and
// the whole job (gitlab-ci-local's "finished in", which also counts logins, AWS calls and the push).
//   npm run bench -- image-build
import { join } from 'node:path';
import { secondBuildScenario } from '../components/image-build/scenarios.js';
import { Harness } from '../src/harness/harness.js';
import { stopRegistries } from '../src/harness/registry.js';
import { REPO_ROOT } from '../src/harness/tools.js';

function buildSeconds(trace: string): number {
  const m = /image-build: built in (\d+) ms/.exec(trace);
  if (!m) throw new Error('no "built in" line in the trace');
  return Number(m[1]) / 1000;
}

function jobSeconds(trace: string): number {
  const m = /image-build finished in (?:([\d.]+) min )?([\d.]+) (m?s)/.exec(trace);
  if (!m) throw new Error('no "finished in" line in the trace');
  return Number(m[1] ?? 0) * 60 + (m[3] === 'ms' ? Number(m[2]) / 1000 : Number(m[2]));
}

const s = (n: number) => `${n.toFixed(2)} s`.padStart(10);
const harness = await Harness.start({ templatesDir: join(REPO_ROOT, 'templates') });
try {
  for (const step of ['expensive', 'cheap'] as const) {
    const rows: Array<{ name: string; first: string; second: string; build: number; job: number }> = [];
    for (const cache of [true, false]) {
      const out = await harness.run('image-build', secondBuildScenario(cache, step));
      if (!out.passed || !out.result)
        throw new Error(`the builds ${cache ? 'with' : 'without'} the cache (${step} step) failed: ${out.failure}`);
      const [first, second] = out.result.runs.map((r) => r.trace);
      if (cache && !second!.includes('Cache pulled from remote'))
        throw new Error('the second build with cache: true did not take a layer from the registry cache');
      rows.push({
        name: cache ? 'registry cache (cache: true)' : 'no cache (peer)',
        first: `${s(buildSeconds(first!))} ${s(jobSeconds(first!))}`,
        second: `${s(buildSeconds(second!))} ${s(jobSeconds(second!))}`,
        build: buildSeconds(second!),
        job: jobSeconds(second!),
      });
    }
    console.log(`\n${step === 'expensive' ? 'an expensive step (~10 s of CPU, 8 MB layer)' : 'a cheap step (echo)'}`);
    console.log(`${''.padEnd(30)}  ${'first build'.padEnd(21)}  second build`);
    console.log(
      `${'image-build job'.padEnd(30)}  ${`${'build'.padStart(10)} ${'job'.padStart(10)}  `.repeat(2).trimEnd()}`,
    );
    for (const r of rows) console.log(`${r.name.padEnd(30)}  ${r.first}  ${r.second}`);
    const [withCache, without] = [rows[0]!, rows[1]!];
    const less = (a: number, b: number) =>
      a <= b ? `${((100 * (b - a)) / b).toFixed(0)}% less` : `${((100 * (a - b)) / b).toFixed(0)}% more`;
    console.log(
      `second build step (${step}): ${withCache.build.toFixed(2)} s with the registry cache, ` +
        `${without.build.toFixed(2)} s without (${less(withCache.build, without.build)}); whole job ` +
        `${withCache.job.toFixed(2)} s vs ${without.job.toFixed(2)} s (${less(withCache.job, without.job)})`,
    );
  }
} finally {
  await harness.stop();
  stopRegistries();
}
