// Components' scenarios (components/*/scenarios.ts), slice 2 of 4: see scenario-suite.ts.
import { scenarioSuite } from './scenario-suite.js';

await scenarioSuite('2/4');
