// Times `cicd rollback --env staging` on a realistic small setup: 3 instances behind nginx on the real test
// engine and a 50 MB application database, rolling back v2 to v1 with a database restore. Reports each
// step from the journal, the configured waits inside them (drain, health-check intervals), and the total
// against the 60 s target (the design documents budget 8 to 12 minutes for the same flow).
import {createWorld, operatorCli, sql} from '../test/integration/operator/harness.js'

const TARGET_SECONDS = 60

export async function benchRollback(): Promise<void> {
  const world = await createWorld({environment: 'staging', branch: 'develop', instances: 3})
  try {
    const cli = async (...args: string[]) => {
      const result = await operatorCli(args, {cwd: world.repo.dir, env: world.env, timeoutMs: 600_000})
      if (result.exitCode !== 0) throw new Error(`cicd ${args.join(' ')} exited ${result.exitCode}:\n${result.stderr.slice(-3000)}`)
      return result
    }
    await sql(world.appUrl, `create table events (id bigserial primary key, at timestamptz not null default now(), payload text not null, amount numeric not null)`)
    await sql(world.appUrl, `insert into events (payload, amount) select md5(g::text) || repeat('x', 64), g * 0.01 from generate_series(1, 270000) g`)
    const [{size}] = await sql<{size: string}>(world.appUrl, `select pg_size_pretty(pg_database_size(current_database())) as size`)
    await cli('deploy', '--env', 'staging', '--version', 'v1', '--yes')
    await cli('deploy', '--env', 'staging', '--version', 'v2', '--yes')
    await sql(world.appUrl, `delete from events where id % 10 = 0`)

    const started = performance.now()
    await cli('rollback', '--env', 'staging', '--yes')
    const wall = (performance.now() - started) / 1000

    const journal = await sql<{step: string; event: string; at: Date}>(
      world.stateUrl,
      `select step, event, at from cicd.journal where run_id = (select max(id) from cicd.runs where operation = 'rollback') order by id`,
    )
    const steps: {step: string; seconds: number}[] = []
    for (const entry of journal) {
      if (entry.event !== 'finished') continue
      const start = journal.find((e) => e.step === entry.step && e.event === 'started')!
      steps.push({step: entry.step, seconds: (new Date(entry.at).getTime() - new Date(start.at).getTime()) / 1000})
    }
    // Configured waits: the drain before stopping (300 ms) and, per instance, the health checks' interval
    // between the consecutive successes they need (2 successes, 100 ms apart), twice (step 4 and step 5).
    const waits = 0.3 + 2 * 0.1 * 2
    const total = steps.reduce((sum, s) => sum + s.seconds, 0)
    console.log(`database: ${size}; 3 instances; rollback v2 → v1 with restore`)
    for (const s of steps) console.log(`  ${s.step.padEnd(18)} ${s.seconds.toFixed(2).padStart(7)} s`)
    console.log(`  ${'steps total'.padEnd(18)} ${total.toFixed(2).padStart(7)} s   (wall clock of the command: ${wall.toFixed(2)} s)`)
    console.log(`  ${'configured waits'.padEnd(18)} ${waits.toFixed(2).padStart(7)} s`)
    console.log(`  without the waits: ${(total - waits).toFixed(2)} s; target < ${TARGET_SECONDS} s: ${total - waits < TARGET_SECONDS ? 'met' : 'MISSED'}; the design budgets 480–720 s`)
  } finally {
    await world.dispose()
  }
}
