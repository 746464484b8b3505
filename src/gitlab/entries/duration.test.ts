import { describe, expect, it } from 'vitest';
import { isDuration, isWithinLimit, parseChronicDuration, START_IN_LIMIT, TIMEOUT_LIMIT } from './duration.js';

describe('durations as GitLab parses them (ChronicDuration)', () => {
  it('reads units, abbreviations, joined words, number words and h:m:s', () => {
    expect(parseChronicDuration('1m 3s')).toBe(63);
    expect(parseChronicDuration('7d')).toBe(7 * 86_400);
    expect(parseChronicDuration('2 days and 3 hours')).toBe(2 * 86_400 + 3 * 3600);
    expect(parseChronicDuration('one hour')).toBe(3600);
    expect(parseChronicDuration('1:30')).toBe(90);
    expect(parseChronicDuration('1.5 hours')).toBe(5400);
    expect(parseChronicDuration('hour')).toBe(3600);
    expect(parseChronicDuration('3600')).toBe(3600);
  });

  it('refuses unknown words and treats zero as no duration', () => {
    expect(isDuration('7 elephants')).toBe(false);
    expect(isDuration('not-a-number')).toBe(false);
    expect(isDuration('0 seconds')).toBe(false);
    expect(isDuration(3600)).toBe(false);
    expect(isDuration('never')).toBe(false);
    expect(isDuration('never', { never: true })).toBe(true);
  });

  it('limits include their bound: start_in up to a week, timeout up to a month', () => {
    expect(isWithinLimit('6 days 23 hours', START_IN_LIMIT)).toBe(true);
    expect(isWithinLimit('1 week', START_IN_LIMIT)).toBe(true);
    expect(isWithinLimit('1 week 1 second', START_IN_LIMIT)).toBe(false);
    expect(isWithinLimit('30 days', TIMEOUT_LIMIT)).toBe(true);
    expect(isWithinLimit('1 month 1 day', TIMEOUT_LIMIT)).toBe(false);
  });
});
