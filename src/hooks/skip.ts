// CICD_SKIP, the bypass that works for one push: `1` (or `true`, `all`) skips every check, a list of check
// ids (`pylint,trivy`) skips only those.
export type SkipRequest = {all: true} | {all: false; checks: string[]}

export function parseSkip(value: string | undefined): SkipRequest {
  const trimmed = (value ?? '').trim().toLowerCase()
  if (['1', 'true', 'yes', 'all'].includes(trimmed)) return {all: true}
  if (['', '0', 'false', 'no'].includes(trimmed)) return {all: false, checks: []}
  return {all: false, checks: [...new Set(trimmed.split(/[\s,]+/).filter(Boolean))]}
}
