// The site's pages as HTML text: the index (search and filters), one page per component
// (inputs per version, diff between versions, pinned include, IAM policy, examples, changelog)
// and the catalog's changelog. Everything is readable without JavaScript; the script only
// filters, switches versions, recomputes diffs and copies.
import { diffInputs } from '../browse/diff.js';
import type { CatalogView, ComponentVersion, ComponentView } from '../browse/model.js';
import { includeSnippet } from '../browse/snippet.js';
import { diffListHtml, inputRowsHtml } from './fragments.js';

export const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Page file of a component, relative to the site root. */
export const componentHref = (c: ComponentView): string => `components/${encodeURIComponent(c.name)}.html`;

function layout(o: { title: string; root: string; body: string; catalog: CatalogView }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(o.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${o.root}assets/site.css">
<script src="${o.root}assets/site.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top"><a href="${o.root}index.html" class="home">${esc(o.catalog.name)}</a><nav aria-label="Site">\
<a href="${o.root}index.html">Components</a> <a href="${o.root}changelog.html">Changelog</a></nav></header>
<main id="main">
${o.body}
</main>
</body>
</html>
`;
}

function options(values: readonly string[], selected?: string): string {
  return values.map((v) => `<option value="${esc(v)}"${v === selected ? ' selected' : ''}>${esc(v)}</option>`).join('');
}

export function indexPage(catalog: CatalogView): string {
  const services = [...new Set(catalog.components.flatMap((c) => c.services))].sort();
  const categories = [...new Set(catalog.components.map((c) => c.category))].sort();
  const items = catalog.components
    .map((c) => {
      const latest = c.versions[0]!;
      const text = [
        c.name,
        c.description,
        c.category,
        ...c.services,
        ...c.iamActions,
        ...latest.inputs.map((i) => i.name),
      ]
        .join(' ')
        .toLowerCase();
      const serviceList = c.services.length ? ` · <span>${esc(c.services.join(', '))}</span>` : '';
      const deprecatedMark = c.deprecated ? ' · <strong>deprecated</strong>' : '';
      return `<li data-name="${esc(c.name)}" data-services="${esc(c.services.join('|'))}" \
data-category="${esc(c.category)}" data-search="${esc(text)}">
<h2><a href="${componentHref(c)}">${esc(c.name)}</a></h2>
<p>${esc(c.description)}</p>
<p class="meta"><span>${esc(latest.version)}</span> · \
<span>${esc(c.category)}</span>${serviceList}${deprecatedMark}</p>
</li>`;
    })
    .join('\n');
  const body = `<h1>${esc(catalog.name)}</h1>
<p class="lead">${esc(catalog.description)}</p>
<form id="filters" class="filters" role="search" data-js hidden>
<div><label for="q">Search</label>\
<input id="q" name="q" type="search" autocomplete="off" placeholder="name, AWS service, IAM action, input"></div>
<div><label for="service">AWS service</label><select id="service" name="service">\
<option value="">All services</option>${options(services)}</select></div>
<div><label for="category">Category</label><select id="category" name="category">\
<option value="">All categories</option>${options(categories)}</select></div>
</form>
<p id="count" role="status" aria-live="polite">${catalog.components.length} \
component${catalog.components.length === 1 ? '' : 's'}</p>
<ul id="components" class="cards">
${items}
</ul>`;
  return layout({ title: `${catalog.name}: components`, root: '', body, catalog });
}

/** What the page's script needs: each version's inputs (without descriptions) and its two snippets. */
function pageData(c: ComponentView): unknown {
  const descriptions: Record<string, string> = {};
  for (const v of [...c.versions].reverse()) for (const i of v.inputs) descriptions[i.name] = i.description;
  return {
    descriptions,
    versions: c.versions.map((v) => ({
      version: v.version,
      inputs: v.inputs.map(({ description: _d, ...rest }) => rest),
      tag: includeSnippet(c, v),
      ...(v.sha ? { sha: includeSnippet(c, v, { pinSha: true }) } : {}),
    })),
  };
}

function inputsTable(v: ComponentVersion, descriptions: Record<string, string>): string {
  return inputRowsHtml(v.inputs, descriptions);
}

/** One version in a component page's changelog: what its release changed in the inputs. */
function versionItem(v: ComponentVersion, first: boolean): string {
  const date = v.date ? ` <small>${esc(v.date)}</small>` : '';
  const heading = `${esc(v.version)}${v.released ? '' : ' (unreleased)'}${date}`;
  const change = (ch: ComponentVersion['changes'][number]) =>
    `<li><span class="level level-${esc(ch.level)}">${esc(ch.level)}</span> ${esc(ch.text)}</li>`;
  const changes = v.changes.length
    ? `<ul>${v.changes.map(change).join('')}</ul>`
    : first
      ? '<p>First version.</p>'
      : '<p>No input changes recorded.</p>';
  return `<li><h3>${heading}</h3>${changes}</li>`;
}

export function componentPage(catalog: CatalogView, c: ComponentView): string {
  const latest = c.versions[0]!;
  const previous = c.versions[1];
  const data = pageData(c) as { descriptions: Record<string, string> };
  const versionNames = c.versions.map((v) => v.version);
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  const anySha = c.versions.some((v) => v.sha);
  const pinChoice = anySha
    ? '<fieldset><legend>Pin to</legend>' +
      '<label><input type="radio" name="pin" value="tag" checked> the version tag</label> ' +
      '<label><input type="radio" name="pin" value="sha"> its commit SHA</label></fieldset>'
    : '';
  const body = `<p class="crumbs"><a href="../index.html">All components</a></p>
<h1>${esc(c.name)}</h1>
<p class="lead">${esc(c.description)}</p>
${c.deprecated ? `<p class="warning"><strong>Deprecated:</strong> ${esc(c.deprecated)}.</p>` : ''}
<dl class="facts">
<div><dt>Latest version</dt><dd>${esc(latest.version)}${latest.date ? ` (${esc(latest.date)})` : ''}</dd></div>
<div><dt>Category</dt><dd>${esc(c.category)}</dd></div>
<div><dt>AWS services</dt><dd>${esc(c.services.join(', ') || 'none')}</dd></div>
<div><dt>Versions</dt><dd>${c.versions.length}</dd></div>
</dl>

<section aria-labelledby="use">
<h2 id="use">Use it</h2>
<div class="controls" data-js hidden>
<div><label for="version">Version</label><select id="version">${options(versionNames, latest.version)}</select></div>
${pinChoice}
</div>
<p>Add this to your <code>.gitlab-ci.yml</code> and fill in the required inputs:</p>
<pre class="snippet"><code id="snippet">${esc(includeSnippet(c, latest))}</code></pre>
<button type="button" id="copy" data-js hidden>Copy include</button> <span id="copy-status" role="status" \
aria-live="polite"></span>
</section>

<section aria-labelledby="inputs-title">
<h2 id="inputs-title">Inputs of <span id="inputs-version">${esc(latest.version)}</span></h2>
<div class="scroll"><table aria-labelledby="inputs-title">
<thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Required</th>\
<th scope="col">Default</th><th scope="col">Description</th></tr></thead>
<tbody id="inputs">${inputsTable(latest, data.descriptions)}</tbody>
</table></div>
</section>
${
  previous
    ? `
<section aria-labelledby="diff-title">
<h2 id="diff-title">Compare versions</h2>
<div class="controls" data-js hidden>
<div><label for="diff-from">From</label><select id="diff-from">${options(versionNames, previous.version)}</select></div>
<div><label for="diff-to">To</label><select id="diff-to">${options(versionNames, latest.version)}</select></div>
</div>
<div id="diff" aria-live="polite">${diffListHtml(diffInputs(previous, latest), previous.version, latest.version)}</div>
</section>`
    : ''
}
${
  c.policy
    ? `
<section aria-labelledby="iam">
<h2 id="iam">IAM policy</h2>
<p>The role the job assumes needs exactly these permissions; scope the resources to yours.</p>
<pre><code>${esc(JSON.stringify(c.policy, null, 2))}</code></pre>
</section>`
    : ''
}
${
  c.examples.length
    ? `
<section aria-labelledby="examples">
<h2 id="examples">Examples</h2>
${c.examples.map((e) => `<h3>${esc(e.title)}</h3>\n<pre><code>${esc(e.yaml)}</code></pre>`).join('\n')}
</section>`
    : ''
}
<section aria-labelledby="changes">
<h2 id="changes">Changelog</h2>
<ol class="changelog">
${c.versions.map((v) => versionItem(v, v === c.versions[c.versions.length - 1])).join('\n')}
</ol>
</section>
<script type="application/json" id="page-data">${json}</script>`;
  return layout({ title: `${c.name}: ${catalog.name}`, root: '../', body, catalog });
}

export function changelogPage(catalog: CatalogView): string {
  const text = catalog.changelog
    ? `<pre class="changelog-text">${esc(catalog.changelog)}</pre>`
    : '<p>No changelog in this catalog yet.</p>';
  const body = `<h1>Changelog</h1>
${text}`;
  return layout({ title: `Changelog: ${catalog.name}`, root: '', body, catalog });
}
