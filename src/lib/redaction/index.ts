/**
 * Identifier redaction for free text (DESIGN "Confidentiality design"): typed placeholders, findings with
 * offsets into the original, domain words kept. Framework-free and synchronous; see bench/redaction for its
 * measured recall and speed.
 */
export { applyFindings, findIdentifiers, redact } from './redact.js'
export { isValidNhsNumber } from './structured.js'
export { type Finding, IDENTIFIER_TYPES, type IdentifierType, placeholder, type RedactionResult } from './types.js'
