/** Error intelligence: parsers, classification, explanations, the AADSTS lookup. */
export { aadstsCatalog, aadstsDocsUrl, lookupAadsts, useAadstsCatalog, type AadstsEntry } from './catalog';
export { classifyError } from './classify';
export {
  explainText,
  nonAadstsExplanations,
  type ExplainedCode,
  type Explanation,
  type OtherExplanation,
} from './explain';
export { extract as extractErrorContext, MAX_EXPLAIN_CHARS, type ErrorContext, type Extracted } from './extract';
