// `catalog search`: every word must match somewhere (name, description, AWS service, category,
// IAM actions, input names and descriptions); a match in the name ranks above one in the
// description, which ranks above one in an input, so the component you meant comes first.
import type { CatalogView, ComponentView } from './model.js';

export interface SearchHit {
  readonly component: ComponentView;
  readonly score: number;
  /** Where the words matched, for the person reading the results (e.g. `name`, `input role-arn`). */
  readonly matched: readonly string[];
}

function fields(c: ComponentView): Array<[string, string, number]> {
  const latest = c.versions[0]!;
  return [
    ['name', c.name, 10],
    ['service', c.services.join(' '), 6],
    ['category', c.category, 4],
    ['description', c.description, 3],
    ...c.iamActions.map((a): [string, string, number] => [`IAM ${a}`, a, 2]),
    ...latest.inputs.map((i): [string, string, number] => [`input ${i.name}`, `${i.name} ${i.description}`, 1]),
  ];
}

export function search(catalog: CatalogView, query: string): SearchHit[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const hits: SearchHit[] = [];
  for (const c of catalog.components) {
    let score = 0;
    const matched = new Set<string>();
    let all = true;
    for (const w of words) {
      let best = 0;
      for (const [label, text, weight] of fields(c)) {
        const t = text.toLowerCase();
        if (!t.includes(w)) continue;
        // A whole-word match counts double: "s3" should prefer S3 over "s3-compatible" prose.
        const whole = new RegExp(`(^|[^a-z0-9])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^a-z0-9]|$)`).test(t);
        const s = weight * (whole ? 2 : 1);
        if (s > best) best = s;
        matched.add(label);
      }
      if (!best) all = false;
      score += best;
    }
    if (all) hits.push({ component: c, score, matched: [...matched].slice(0, 5) });
  }
  return hits.sort((a, b) => b.score - a.score || a.component.name.localeCompare(b.component.name));
}
