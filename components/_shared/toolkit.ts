// What the components that install this catalog's toolkit in their job (catalog-lint, catalog-upgrade)
// declare alike: the `toolkit` and `image` inputs, and the variables install_toolkit (lib.sh) reads.
import catalog from '../../catalog.config.js';
import { input } from '../../src/define/index.js';
import { NPM_PACKAGE_SPEC } from '../../src/define/patterns.js';
import { imageInput, NODE_IMAGE } from '../../src/define/shared-inputs.js';

/** `toolkit` (where the toolkit comes from; `what` names it in the description) and `image` (Node). */
export function toolkitInputs(what: string) {
  return {
    toolkit: input.string({
      default: '',
      regex: NPM_PACKAGE_SPEC,
      description:
        `The npm package spec of the ${what}; empty means this catalog at the included component's ` +
        `commit (\`git+$CI_SERVER_URL/${catalog.project}.git#<component sha>\`). Set it to a tarball URL or path ` +
        `to install from elsewhere (https:// or file://; nothing fetched without TLS: no http:// or git://).`,
    }),
    image: imageInput(NODE_IMAGE, 'The job image: Node 20 or newer, npm and git. Pin a tag or a digest.'),
  };
}

/** The variables install_toolkit reads besides `toolkit`: this catalog's project and the component's commit. */
export function toolkitVariables(prefix: string): Record<string, string> {
  return { [`${prefix}_PROJECT`]: catalog.project, [`${prefix}_SHA`]: '$[[ component.sha ]]' };
}
