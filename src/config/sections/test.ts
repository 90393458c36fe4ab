// The `test` configuration section: how the test phase runs pytest and gates on coverage. Defaults from the
// design documents: failing tests stop the pipeline, coverage "Must be > 70%".
import {z} from 'zod'

const gate = z.enum(['block', 'warn'])

export const testSchema = z
  .strictObject({
    gate: gate.default('block').describe('What failing tests do to the verdict: "block" fails the run (exit 1), "warn" reports them only.'),
    paths: z
      .array(z.string().min(1))
      .default(() => [])
      .describe("Test files or directories passed to pytest; empty means pytest's own configuration (testpaths) decides."),
    args: z.array(z.string().min(1)).default(() => []).describe('Extra pytest arguments, placed before the test paths.'),
    path: z
      .string()
      .min(1)
      .optional()
      .describe('An explicit pytest executable for the local runner (one whose Python has the project and pytest-cov); otherwise PATH decides.'),
    image: z
      .string()
      .min(1)
      .optional()
      .describe("The image the container runner runs the tests in (it needs the project's dependencies); tools.image when unset."),
    timeoutSeconds: z
      .number()
      .int()
      .min(1)
      .default(900)
      .describe('The test phase is stopped, and reported as an error, when pytest runs longer than this.'),
    noTestsCollected: z
      .enum(['fail', 'pass'])
      .default('fail')
      .describe('What pytest collecting no test at all (its exit code 5) does: "fail" is an error, "pass" lets the phase pass.'),
    coverage: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Measure coverage with pytest-cov and gate on it.'),
        source: z
          .array(z.string().min(1))
          .default(() => [])
          .describe("What coverage measures (pytest --cov=SOURCE each); empty means the repository's coverage configuration ([coverage:run] source) decides."),
        threshold: z.number().min(0).max(100).default(70).describe('The lowest acceptable total coverage, in percent.'),
        gate: gate.default('block').describe('What coverage under the threshold does: "block" fails the run, "warn" reports it only.'),
      })
      .prefault({})
      .describe('The coverage gate.'),
  })
  .prefault({})
  .describe('The test phase: pytest with coverage and a JUnit report.')

export type TestConfig = z.output<typeof testSchema>
