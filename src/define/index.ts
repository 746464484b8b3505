export {
  defineComponent,
  readScript,
  type Component,
  type ComponentOptions,
  type Example,
  type JobContext,
} from './component.js';
export { input, inputRefs, type InputDef, type InputDefs, type InputRef, type InputRefs } from './input.js';
export {
  inputVariables,
  inputVariablesExcept,
  variableName,
  type InputVariableOptions,
  type JobVariable,
} from './variables.js';
export { embedLibrary, libraryFunctions, libraryText, libraryVariables, LIBRARY_FILE } from './shell-library.js';
