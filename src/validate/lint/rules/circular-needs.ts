import { jobsOf } from '../../../gitlab/jobs.js';
import { finding } from './finding.js';
import type { Rule } from './rule.js';

type Hash = Record<string, unknown>;

class Cyclic extends Error {}

/** Ruby's TSort over jobs and their `needs:` (YamlProcessor::Dag), failing as TSort fails. */
function tsort(nodes: Map<string, string[]>): void {
  const ids = new Map<string, number | undefined>();
  const stack: string[] = [];
  const visit = (node: string): number => {
    const nodeId = ids.size;
    let minimum = nodeId;
    ids.set(node, nodeId);
    const base = stack.length;
    stack.push(node);
    const children = nodes.get(node);
    if (children?.includes(node)) throw new Cyclic(`self-dependency: ${node}`);
    for (const child of children ?? []) {
      if (ids.has(child)) {
        const id = ids.get(child);
        if (id !== undefined && id < minimum) minimum = id;
      } else {
        minimum = Math.min(minimum, visit(child));
      }
    }
    if (nodeId === minimum) {
      const component = stack.splice(base);
      for (const n of component) ids.set(n, undefined);
      if (component.length !== 1)
        throw new Cyclic(`topological sort failed: [${component.map((c) => JSON.stringify(c)).join(', ')}]`);
    }
    return minimum;
  };
  for (const node of nodes.keys()) if (!ids.has(node)) visit(node);
}

/** GitLab: "The pipeline has circular dependencies: ..." for jobs whose `needs:` form a loop. */
export const circularNeeds: Rule = (config) => {
  const nodes = new Map<string, string[]>();
  for (const [name, job] of jobsOf(config)) {
    const needs = Array.isArray(job.needs) ? job.needs : [];
    nodes.set(
      name,
      needs.flatMap((n) =>
        typeof n === 'string'
          ? [n]
          : n && typeof n === 'object' && typeof (n as Hash).job === 'string' && !('project' in n || 'pipeline' in n)
            ? [String((n as Hash).job)]
            : [],
      ),
    );
  }
  try {
    tsort(nodes);
    return [];
  } catch (e) {
    if (!(e instanceof Cyclic)) throw e;
    return [
      finding(
        'circular-needs',
        '',
        `The pipeline has circular dependencies: ${e.message}`,
        'remove one of the `needs:` in the loop',
      ),
    ];
  }
};
