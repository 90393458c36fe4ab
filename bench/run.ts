// `npm run bench`: every benchmark, side by side with its alternative, printing ratios against the targets.
import {benchStaticCheck} from './static-check.js'
import {machineLine} from './lib.js'

const image = process.env.CICD_BENCH_TOOLS_IMAGE ?? 'cicd-tools:local'
console.log(`machine: ${machineLine()}`)
console.log(`runs per measurement: ${process.env.BENCH_RUNS ?? 3} (median)`)
console.log('\n== static phase: cicd against the same tools run one after another')
await benchStaticCheck({container: process.env.BENCH_CONTAINER !== '0', image})
