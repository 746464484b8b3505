// The one place that decides how we print YAML, so every generated file looks alike.
import { stringify } from 'yaml';

export function toYaml(value: unknown): string {
  return stringify(value, {
    lineWidth: 0,
    aliasDuplicateObjects: false,
    blockQuote: 'literal',
    defaultStringType: 'PLAIN',
    defaultKeyType: 'PLAIN',
  });
}
