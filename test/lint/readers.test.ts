// The GitLab parser reads a file with js-yaml when it can and with `yaml` otherwise
// (src/gitlab/yaml.ts): on every YAML file of the corpus, the templates and the pipelines here,
// both give the same header, content and positions, so which one read a file never shows.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/internal/paths.js';
import { readFast, readSlow } from '../../src/gitlab/yaml.js';

function yamlFiles(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

const files = [...yamlFiles('test'), ...yamlFiles('templates'), join(REPO_ROOT, '.gitlab-ci.yml')];

describe('the two YAML readers agree', () => {
  it('on every YAML file the fast reader accepts (most of them)', () => {
    let read = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const fast = readFast(file, text);
      if (!fast) continue;
      read++;
      const slow = readSlow(file, text);
      expect(slow.ok, file).toBe(true);
      if (!slow.ok) continue;
      expect(fast.header, file).toEqual(slow.value.header);
      expect(fast.content, file).toEqual(slow.value.content);
      expect([...fast.positions], file).toEqual([...slow.value.positions]);
      expect([...fast.headerPositions], file).toEqual([...slow.value.headerPositions]);
    }
    expect(read).toBeGreaterThan(files.length / 2);
  });

  it('on scalars: both follow YAML 1.2 core, as `yaml` does', () => {
    const text = [
      'ints: [1, -2, +3, 010, 0o17, 0x1F, 0b101, -0x1F, 1_000]',
      'floats: [1.5, -.5, .5, 1e3, -1.5e-3, .inf, -.Inf, .nan]',
      'other: [~, null, Null, NULL, true, True, FALSE, yes, no, on, 2024-01-02, "<<"]',
      '',
    ].join('\n');
    const fast = readFast('scalars.yml', text);
    const slow = readSlow('scalars.yml', text);
    expect(slow.ok).toBe(true);
    expect(fast?.content).toEqual(slow.ok ? slow.value.content : undefined);
  });

  it('on a file that starts with a byte order mark: the same content and positions', () => {
    const text =
      '\uFEFFstages: [build]\nbuild:\n  stage: build\n  script: [!reference [.x, script]]\n.x: {script: [a]}\n';
    const fast = readFast('bom.yml', text);
    const slow = readSlow('bom.yml', text);
    expect(fast).toBeDefined();
    expect(slow.ok).toBe(true);
    if (!slow.ok) return;
    expect(fast?.content).toEqual(slow.value.content);
    expect([...(fast?.positions ?? [])]).toEqual([...slow.value.positions]);
  });

  it('leaves broken files, unknown tags and recursive aliases to `yaml`, for its messages', () => {
    for (const text of ['a: [1, 2\n', 'a: !foo x\n', 'a: &loop\n  b: *loop\n', 'a: *nowhere\n']) {
      expect(readFast('broken.yml', text), text).toBeUndefined();
    }
  });
});
