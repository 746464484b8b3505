// What the terminal gets: colours only on a TTY, never with NO_COLOR (https://no-color.org),
// and FORCE_COLOR for CI logs that render ANSI (GitLab's job log does) though they are no TTY.
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}
