/**
 * Bounds on what one expression may cost. Everything an expression can make grow (source,
 * nesting, strings, lists, rendered text) is capped, so a tree cannot use a condition or a
 * template to exhaust memory or the stack of a worker.
 */
export const EXPRESSION_LIMITS = Object.freeze({
  /** Characters in one condition, or in the text between `${` and `}` of a template. */
  maxSourceLength: 4096,
  /** Nesting while parsing: parentheses, brackets, `${}`, unary operators, calls. */
  maxNesting: 64,
  /** Depth of the parsed tree (a chain `a + b + c ...` counts one level per operator). */
  maxAstDepth: 256,
  /** Characters in a string produced by `+`, `*`, `str()` or by rendering a template. */
  maxStringLength: 1024 * 1024,
  /** Elements in a list produced by `+`. */
  maxListLength: 100_000,
  /** Characters in a template string that contains `${` (strings without one are never parsed). */
  maxTemplateLength: 1024 * 1024,
  /** Nesting of data walked by renderTemplate, deep equality, copies and JSON splicing. */
  maxValueDepth: 256,
  /** Parsed conditions / templates kept in each LRU cache. */
  cacheEntries: 2000,
  /** Longer template strings are parsed on every render instead of being cached. */
  maxCachedTemplateLength: 16 * 1024,
});
