// Durations as GitLab reads them: `ChronicDuration.parse` (gem gitlab_chronic_duration, with
// `raise_exceptions = true` as GitLab's initializer sets it). `expire_in`, `timeout`, `start_in`
// and `auto_stop_in` go through it, so "7 elephants" is refused while "1h 30m", "2 days and 3
// hours" or "1:30" pass. The result is in seconds; 0 counts as "no duration" (nil in Ruby).

const SECONDS: Readonly<Record<string, number>> = {
  seconds: 1,
  minutes: 60,
  hours: 3600,
  days: 86_400,
  weeks: 7 * 86_400,
  // gitlab_chronic_duration: 30 days a month, 365.25 days a year.
  months: 30 * 86_400,
  years: 31_557_600,
};

const MAPPINGS: Readonly<Record<string, string>> = {
  seconds: 'seconds',
  second: 'seconds',
  secs: 'seconds',
  sec: 'seconds',
  s: 'seconds',
  minutes: 'minutes',
  minute: 'minutes',
  mins: 'minutes',
  min: 'minutes',
  m: 'minutes',
  hours: 'hours',
  hour: 'hours',
  hrs: 'hours',
  hr: 'hours',
  h: 'hours',
  days: 'days',
  day: 'days',
  dy: 'days',
  d: 'days',
  weeks: 'weeks',
  week: 'weeks',
  wks: 'weeks',
  wk: 'weeks',
  w: 'weeks',
  months: 'months',
  mo: 'months',
  mos: 'months',
  month: 'months',
  years: 'years',
  year: 'years',
  yrs: 'years',
  yr: 'years',
  y: 'years',
};
const JOIN_WORDS = new Set(['and', 'with', 'plus']);
/** `h:m:s` style: the last part is seconds, then minutes, hours, days, months, years (no weeks). */
const COLON_UNITS = ['seconds', 'minutes', 'hours', 'days', 'months', 'years'];
const FLOAT = /[0-9]*\.?[0-9]+/;
const FLOAT_GLOBAL = /[0-9]*\.?[0-9]+/g;

// Chronic's Numerizer, for the number words people write in durations.
const DIRECT: ReadonlyArray<[string, number]> = [
  ['eleven', 11],
  ['twelve', 12],
  ['thirteen', 13],
  ['fourteen', 14],
  ['fifteen', 15],
  ['sixteen', 16],
  ['seventeen', 17],
  ['eighteen', 18],
  ['nineteen', 19],
  ['ninteen', 19],
  ['zero', 0],
  ['one', 1],
  ['two', 2],
  ['three', 3],
  ['four', 4],
  ['five', 5],
  ['six', 6],
  ['seven', 7],
  ['eight', 8],
  ['nine', 9],
  ['ten', 10],
];
const TENS: ReadonlyArray<[string, number]> = [
  ['twenty', 20],
  ['thirty', 30],
  ['forty', 40],
  ['fourty', 40],
  ['fifty', 50],
  ['sixty', 60],
  ['seventy', 70],
  ['eighty', 80],
  ['ninety', 90],
];

function numerize(text: string): string {
  let s = text.replace(
    / +|([^\d])-([^\d])/g,
    (_m, a: string | undefined, b: string | undefined) => `${a ?? ''} ${b ?? ''}`,
  );
  for (const [word, n] of TENS) {
    s = s.replace(
      new RegExp(`(?:^|\\b)${word}(?: |-)?(one|two|three|four|five|six|seven|eight|nine)\\b`, 'g'),
      (_m, unit: string) => String(n + DIRECT.find(([w]) => w === unit)![1]),
    );
    s = s.replace(new RegExp(`\\b${word}\\b`, 'g'), String(n));
  }
  for (const [word, n] of DIRECT) s = s.replace(new RegExp(`\\b${word}\\b`, 'g'), String(n));
  return s;
}

export class DurationParseError extends Error {}

/** ChronicDuration.parse: seconds, or undefined for a zero duration; throws DurationParseError on an unknown word. */
export function parseChronicDuration(input: string): number | undefined {
  let s = numerize(input.toLowerCase());
  const compact = s.replace(/ /g, '');
  if (new RegExp(`${FLOAT.source}(:${FLOAT.source})+`).test(compact)) {
    const parts = compact.split(':').reverse();
    if (parts.length > COLON_UNITS.length) throw new DurationParseError(`too many parts in ${JSON.stringify(input)}`);
    s = parts
      .map((v, k) => `${v} ${COLON_UNITS[k]}`)
      .reverse()
      .join(' ');
  }
  s = s
    .replace(FLOAT_GLOBAL, (n) => ` ${n} `)
    .replace(/ {2,}/g, ' ')
    .trim();
  const words: string[] = [];
  for (const word of s.split(' ').filter(Boolean)) {
    if (FLOAT.test(word)) {
      words.push(word);
      continue;
    }
    const stripped = word.replace(/^,/, '').replace(/,$/, '');
    if (stripped in MAPPINGS) words.push(MAPPINGS[stripped]!);
    else if (!JOIN_WORDS.has(stripped))
      throw new DurationParseError(`An invalid word ${JSON.stringify(word)} was used in the string to be parsed.`);
  }
  if (words.length && words[0]! in SECONDS) words.unshift('1');
  let total = 0;
  words.forEach((w, k) => {
    if (!FLOAT.test(w)) return;
    const n = Number.parseFloat(w.match(FLOAT)![0]);
    total += n * (SECONDS[words[k + 1] ?? 'seconds'] ?? 0);
  });
  return total === 0 ? undefined : total;
}

/** LegacyValidationHelpers#validate_duration: a string ChronicDuration reads as a non-zero duration. */
export function isDuration(value: unknown, { never = false } = {}): boolean {
  if (typeof value !== 'string') return false;
  // Ci::Build::DurationParser (artifacts:expire_in) also takes "never".
  if (never && value.toLowerCase() === 'never') return true;
  try {
    return parseChronicDuration(value) !== undefined;
  } catch (e) {
    if (e instanceof DurationParseError) return false;
    throw e;
  }
}

/**
 * LegacyValidationHelpers#validate_duration_limit. GitLab compares `value.seconds.from_now <
 * limit.seconds.from_now`, two clock readings apart, so a value equal to the limit passes
 * (job_spec: `start_in: '1 week'` is valid): the limit is inclusive.
 */
export function isWithinLimit(value: unknown, limitSeconds: number): boolean {
  if (typeof value !== 'string') return false;
  try {
    const seconds = parseChronicDuration(value);
    return seconds !== undefined && seconds <= limitSeconds;
  } catch (e) {
    if (e instanceof DurationParseError) return false;
    throw e;
  }
}

/** `start_in` (jobs and rules): at most '1 week'. */
export const START_IN_LIMIT = SECONDS.weeks!;
/** `timeout`: at most Project::MAX_BUILD_TIMEOUT, 1.month in ActiveSupport (30.436875 days). */
export const TIMEOUT_LIMIT = 2_629_746;
