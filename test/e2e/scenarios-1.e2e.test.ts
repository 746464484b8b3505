// Components' scenarios (components/*/scenarios.ts), slice 1 of 2: see scenario-suite.ts.
import { scenarioSuite } from './scenario-suite.js';

await scenarioSuite('1/2');
