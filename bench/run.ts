// `npm run bench`: every benchmark in one process, each measured pair printed with its ratio and PASS or MISS
// against its target; nothing is written but temporary directories, which are removed.
// BENCH_RUNS (default 3): runs per measurement, medians reported. BENCH_ONLY: a comma list of sections
// (static, hooks, hook-overhead, images; rollback only when named). BENCH_CONTAINER=0 leaves the container
// runner out of the static section. CICD_BENCH_TOOLS_IMAGE: the tools image (default cicd-tools:local).
import {benchHookOverhead} from './hook-overhead.js'
import {benchHooks} from './hooks.js'
import {benchImageBuilds} from './image-builds.js'
import {loadLine, machineLine, removeDir, RUNS, type Sample} from './lib.js'
import {EXAMPLE, GENERATED, plannedCommands} from './repos.js'
import {benchStaticCheck, type BenchRepo} from './static-check.js'

const SECTIONS = ['static', 'hooks', 'hook-overhead', 'images', 'rollback'] as const
type Section = (typeof SECTIONS)[number]
const DEFAULT_SECTIONS: Section[] = ['static', 'hooks', 'hook-overhead', 'images']

function selectedSections(): Section[] {
  const only = (process.env.BENCH_ONLY ?? '').split(',').map((name) => name.trim()).filter(Boolean)
  const unknown = only.filter((name) => !(SECTIONS as readonly string[]).includes(name))
  if (unknown.length > 0) {
    console.error(`BENCH_ONLY: no section named ${unknown.join(', ')}; sections: ${SECTIONS.join(', ')}`)
    process.exit(2)
  }
  return only.length > 0 ? (only as Section[]) : DEFAULT_SECTIONS
}

const sections = selectedSections()
const image = process.env.CICD_BENCH_TOOLS_IMAGE ?? 'cicd-tools:local'
const started = performance.now()
console.log(`machine: ${machineLine()}`)
console.log(`runs per measurement: ${RUNS} (medians); sections: ${sections.join(', ')}`)
console.log('CPU = user + system time of the command and every process it waited for (bash `times`)')

const heading = (title: string) => console.log(`\n== ${title}\n   ${loadLine()}`)

// The static and hook sections share the two repositories, and the hook section reuses the static
// section's measurement of the tools run one after another on the same content.
const repos: BenchRepo[] = []
const sequential = new Map<string, Sample>()
try {
  if (sections.includes('static') || sections.includes('hooks')) {
    for (const kind of [EXAMPLE, GENERATED]) {
      const dir = await kind.create()
      repos.push({name: kind.name, dir, commands: await plannedCommands(dir)})
    }
  }
  if (sections.includes('static')) {
    heading('static phase (issue 2): cicd check --no-cache against the same tools one after another')
    await benchStaticCheck(repos, {container: process.env.BENCH_CONTAINER !== '0', image, sequential})
  }
  if (sections.includes('hooks')) {
    heading('hooks (issue 4 item 5, a–c): cicd against the same tools one after another, lefthook and pre-commit')
    await benchHooks(repos, sequential)
  }
  if (sections.includes('hook-overhead')) {
    heading('hooks (issue 4 item 5, d): the pre-push hook on a push whose content was already checked')
    await benchHookOverhead([EXAMPLE, GENERATED])
  }
  if (sections.includes('images')) {
    heading('build phase (issue 3): the example platform\'s three images in parallel against one after another')
    await benchImageBuilds()
  }
  if (sections.includes('rollback')) {
    heading('rollback (operations): cicd rollback --env staging on 3 instances and a 50 MB database')
    const {benchRollback} = await import('./rollback.js')
    await benchRollback()
  }
} finally {
  for (const repo of repos) await removeDir(repo.dir)
}
console.log(`\ndone in ${((performance.now() - started) / 1000).toFixed(0)} s; ${loadLine()}`)
