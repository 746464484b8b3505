// zip.sh builds the Lambda package: the same files must give the same bytes whatever their
// timestamps or the order they were written in (else every pipeline publishes a version), and
// the archive must read back exactly (checked here by inflating each entry with node:zlib).
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';

const ZIP_SH = join(import.meta.dirname, 'zip.sh');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'zip-test-'));
  dirs.push(d);
  return d;
}

/** Runs zip_directory on `src`; returns the archive bytes or the error text. */
function zipDir(src: string): { bytes?: Buffer; error?: string; count?: string } {
  const work = scratch();
  const out = join(work, 'out.zip');
  const r = spawnSync(
    'bash',
    [
      '-c',
      'set -euo pipefail; fail() { echo "error: $*" >&2; exit 1; }; . "$1"; zip_directory "$2" "$3" "$4"',
      'zip',
      ZIP_SH,
      src,
      out,
      work,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) return { error: r.stderr };
  return { bytes: readFileSync(out), count: r.stdout };
}

interface Entry {
  name: string;
  mode: number;
  data: Buffer;
  dosDate: number;
}

/** Reads a zip through its central directory, checking each entry's CRC-32 and size. */
function readZip(zip: Buffer): Entry[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let p = zip.readUInt32LE(end + 16);
  const out: Entry[] = [];
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(p)).toBe(0x02014b50);
    const [crc, csize, size, nlen] = [
      zip.readUInt32LE(p + 16),
      zip.readUInt32LE(p + 20),
      zip.readUInt32LE(p + 24),
      zip.readUInt16LE(p + 28),
    ];
    const mode = zip.readUInt32LE(p + 38) >>> 16;
    const local = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nlen).toString('utf8');
    const lnlen = zip.readUInt16LE(local + 26);
    const data = inflateRawSync(zip.subarray(local + 30 + lnlen, local + 30 + lnlen + csize));
    expect(data.length, name).toBe(size);
    expect(crc32(data) >>> 0, name).toBe(crc);
    out.push({ name, mode, data, dosDate: zip.readUInt16LE(p + 14) });
    p += 46 + nlen;
  }
  return out;
}

function tree(root: string, files: Record<string, string>, order: string[]): void {
  for (const f of order) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), files[f]!);
  }
}

describe('zip.sh', () => {
  const files = {
    'app.py': 'def handler(e, c):\n    return 1\n',
    'lib/util.py': `X = 1\n${'y'.repeat(5000)}`,
    bootstrap: '#!/bin/sh\nexec python3 app.py\n',
    'empty.txt': '',
    'données/é.json': '{"k": "v"}',
  };

  it('gives the same bytes for the same files, whatever their timestamps and creation order', () => {
    const a = scratch();
    const b = scratch();
    tree(a, files, Object.keys(files));
    tree(b, files, Object.keys(files).reverse());
    for (const dir of [a, b]) chmodSync(join(dir, 'bootstrap'), 0o755);
    utimesSync(join(b, 'app.py'), new Date('2030-05-05'), new Date('2030-05-05'));
    const [za, zb] = [zipDir(a), zipDir(b)];
    expect(za.error).toBeUndefined();
    expect(za.count).toBe('5');
    expect(za.bytes!.equals(zb.bytes!)).toBe(true);
  });

  it('stores every file exactly, sorted by name, with 644/755 modes and the 1980 epoch', () => {
    const a = scratch();
    tree(a, files, Object.keys(files));
    chmodSync(join(a, 'bootstrap'), 0o755);
    const entries = readZip(zipDir(a).bytes!);
    expect(entries.map((e) => e.name)).toEqual([
      'app.py',
      'bootstrap',
      'donn\u00e9es/\u00e9.json',
      'empty.txt',
      'lib/util.py',
    ]);
    for (const e of entries) expect(e.data.toString('utf8')).toBe(files[e.name as keyof typeof files]);
    expect(entries.find((e) => e.name === 'bootstrap')!.mode).toBe(0o100755);
    expect(entries.find((e) => e.name === 'app.py')!.mode).toBe(0o100644);
    expect(new Set(entries.map((e) => e.dosDate))).toEqual(new Set([0x21]));
  });

  it('changes the bytes when a file changes', () => {
    const a = scratch();
    tree(a, files, Object.keys(files));
    const before = zipDir(a).bytes!;
    writeFileSync(join(a, 'app.py'), 'def handler(e, c):\n    return 2\n');
    expect(zipDir(a).bytes!.equals(before)).toBe(false);
  });

  it('follows a link inside the directory and refuses one that leaves it', () => {
    const a = scratch();
    tree(a, files, Object.keys(files));
    symlinkSync('app.py', join(a, 'alias.py'));
    expect(
      readZip(zipDir(a).bytes!)
        .find((e) => e.name === 'alias.py')!
        .data.toString(),
    ).toBe(files['app.py']);
    symlinkSync('/etc/hostname', join(a, 'leak'));
    expect(zipDir(a).error).toMatch(
      /'.*\/leak' links to '\/etc\/hostname', outside '.*'; copy the file in instead of linking it/,
    );
  });

  it('refuses an empty directory', () => {
    expect(zipDir(scratch()).error).toMatch(/holds no files: there is nothing to deploy/);
  });
});
