/* The callback template grammar as the server defines it (common/template_grammar.py),
 * read from the page's `template-grammar` JSON: no format or method is written here. */

const grammar = JSON.parse(document.getElementById("template-grammar").textContent);

const fill = (pattern, name) => pattern.replaceAll("{name}", name);

/* `<name>`: how a template writes a variable. */
export const placeholder = (name) => fill(grammar.placeholder, name);
export const isBodyMethod = (method) => grammar.body_methods.includes(method);
export const isStringFormat = (format) => grammar.string_formats.includes(format);
export const isMarkupFormat = (format) => grammar.markup_formats.includes(format);
/* What an empty template of the format starts as ("" when it has no starter). */
export const starter = (format) => grammar.starters[format] || "";
/* The line Insert adds to a template of the format for one variable. */
export const variableLine = (format, name) => fill(grammar.variable_lines[format], name);
