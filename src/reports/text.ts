// Text hygiene shared by the report writers: a message that reaches a report comes from a tool's output and
// may carry terminal colour codes or control characters that mean nothing to Jenkins or a SARIF viewer.

// Several of these are not even legal in XML 1.0; pytest's junitxml drops them too.
const ANSI = /\u001B\[[0-?]*[ -/]*[@-~]/g
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g

/** Removes ANSI escape sequences and control characters, keeping tabs and line breaks. */
export function cleanText(text: string): string {
  return text.replace(ANSI, '').replace(CONTROL, '')
}
