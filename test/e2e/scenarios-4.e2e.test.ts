// Components' scenarios (components/*/scenarios.ts), slice 4 of 4: see scenario-suite.ts.
import { scenarioSuite } from './scenario-suite.js';

await scenarioSuite('4/4');
