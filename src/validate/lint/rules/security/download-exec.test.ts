import { describe, expect, it } from 'vitest';
import { findings, lintProject } from '../../../../../test/security/lint-project.js';

const check = (line: string) =>
  findings(
    lintProject({ '.gitlab-ci.yml': `build:\n  script:\n    - ${JSON.stringify(line)}\n` }),
    'security-download-exec',
  );

describe('security: curl | sh', () => {
  it.each([
    'curl -fsSL https://get.example.com/install.sh | sh',
    'curl -s https://x.example.com | sudo -E bash -s -- --yes',
    'wget -qO- https://x.example.com/i | python3',
    'bash <(curl -s https://x.example.com/i)',
    'sh -c "$(curl -fsSL https://x.example.com/i)"',
    'iex ((New-Object Net.WebClient).DownloadString("https://x.example.com"))',
  ])('flags %s', (line) => {
    expect(check(line)).toHaveLength(1);
  });

  it('accepts a download that is checked before it runs', () => {
    expect(
      check(
        'curl -fsSLo install.sh https://x.example.com/i && echo "$SUM  install.sh" | sha256sum -c && sh install.sh',
      ),
    ).toEqual([]);
    expect(check('curl -s https://api.example.com/status | jq .state')).toEqual([]);
  });
});
