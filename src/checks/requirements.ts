// What the dependency audits (safety, pip-audit) share: the requirement files they are given, and the file
// a finding is reported against. Neither tool says, for each vulnerability, which requirement file pinned
// the package, so the parser needs the files the command named.
import type {CheckSettings, ParseContext} from './types.js'
import {asOperand, toRepoPath} from './paths.js'

/** `-r a.txt -r b.txt`: the configured requirement files, else the files the caller selected. */
export function requirementArgs(files: string[], settings: CheckSettings): string[] {
  const requirements = settings.requirements?.length ? settings.requirements : files
  return requirements.flatMap((file) => ['-r', asOperand(file)])
}

/**
 * The file to report a vulnerable package against: where the tool says it found the package when that is
 * inside the repository, else the (first) requirement file the audit was given.
 */
export function requirementFile(context: ParseContext, reported?: string): string {
  const inRepo = reported === undefined ? undefined : toRepoPath(reported, context.root)
  if (inRepo !== undefined && !inRepo.startsWith('/') && !/^[A-Za-z]:\//.test(inRepo)) return inRepo
  return context.requirements?.[0] ?? inRepo ?? ''
}

/** Advisories run to pages; a finding's message keeps the first few hundred characters. */
export function shortAdvisory(text: string, limit = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > limit ? `${flat.slice(0, limit - 1)}…` : flat
}
